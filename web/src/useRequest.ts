/**
 * One request per key, newest wins: a new key aborts the previous request, and an answer that arrives for an
 * older key is dropped (request id check as well as AbortController, so even an answer already in flight cannot
 * overwrite a newer one). The last data stays on screen while the next loads. `loading` is true from the render
 * that brings a new key, not from the effect after it, so old data is never shown as the new key's answer.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort } from './api';

export interface RequestState<T> { data?: T; error?: ApiError; loading: boolean; retry: () => void }

export function useRequest<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): RequestState<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean; key?: string }>({ loading: key !== null });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (key === null) return;
    const id = ++latest.current;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(controller.signal).then(
      (data) => { if (id === latest.current) setState({ data, loading: false, key }); },
      (e) => {
        if (isAbort(e) || id !== latest.current) return;
        setState((s) => ({ ...s, loading: false, key, error: e instanceof ApiError ? e : new ApiError('页面出错，请重试。', 0, String(e)) }));
      },
    );
    return () => controller.abort();
  }, [key, attempt]);
  const loading = key !== null && (state.loading || state.key !== key);
  return { data: state.data, error: state.error, loading, retry: () => setAttempt((n) => n + 1) };
}
