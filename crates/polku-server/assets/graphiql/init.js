// Starts GraphiQL against this gateway's /graphql. Kept out of the page so
// the page's Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
