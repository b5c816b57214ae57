/**
 * The search page: search with facets, one record per URL with 相似改革, and the outcomes table for reporters.
 * The server HTML-escapes every highlight and adds only <mark>; those strings are the only HTML inserted.
 */
import { render } from 'preact';
import { App } from './App';
import './style.css';

render(<App />, document.getElementById('app')!);
