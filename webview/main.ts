// Placeholder viewer: the trace viewer arrives with its own issue. It proves the browser bundle
// builds under the layer rules and renders text only through textContent.
const root = document.getElementById('app');
if (root) root.textContent = 'MeshLens trace viewer: not built yet.';
