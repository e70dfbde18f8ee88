// Starts Swagger UI on /api/docs (an inline script would break the strict CSP).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: false,
    persistAuthorization: false,
    // The schemas are shown under each operation; the separate list below adds nothing.
    defaultModelsExpandDepth: -1,
  });
})();
