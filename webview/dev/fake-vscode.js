// Dev harness only: stands in for VS Code's acquireVsCodeApi; messages go to the Node
// script through a Playwright binding (which CSP does not restrict), state to sessionStorage.
(() => {
  const theme = new URLSearchParams(location.search).get('theme') || 'vscode-dark';
  document.documentElement.dataset.theme = theme;
  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(theme));
  if (document.body) document.body.classList.add(theme);
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__hostPost(m),
    getState: () => JSON.parse(sessionStorage.getItem('state') || 'null') ?? undefined,
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  });
})();
