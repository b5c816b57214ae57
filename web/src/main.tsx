/// <reference types="vite/client" />
/**
 * The search page: search with facets, one record per URL with 相似改革, and the outcomes table for reporters.
 * The server HTML-escapes every highlight and adds only <mark>; those strings are the only HTML inserted.
 * In the offline bundle the same page answers its API requests itself, from index.snapshot next to index.html.
 */
import { render } from 'preact';
import { App } from './App';
import { setDataSource } from './api';
import './style.css';

const start = () => render(<App />, document.getElementById('app')!);
// Written out (not mode.ts's OFFLINE) so the bundler drops the offline chunk from the served page's build.
if (import.meta.env.MODE === 'offline') {
  void import('./offline/source').then(({ offlineSource }) => {
    setDataSource(offlineSource(new URL('index.snapshot', document.baseURI).href));
    start();
  });
} else start();
