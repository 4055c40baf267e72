"""The server extension: the route table and settings (:mod:`.app`), the handlers' base
(:mod:`.base`), the routes (:mod:`.handlers`) and the OpenAPI document (:mod:`.openapi`)."""
