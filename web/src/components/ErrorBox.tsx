import type { ApiError } from '../api';

/** A failed request, in Chinese, with a way to try again. */
export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <div class="error" role="alert">
      <p><strong>出错了：</strong>{error.message}</p>
      <button type="button" class="btn" onClick={onRetry}>重试</button>
    </div>
  );
}
