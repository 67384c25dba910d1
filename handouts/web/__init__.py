"""The front desk: a local web app over the library (`app`), the warm engine it draws with
(`desk`), the online copy's page (`pages`) and the static site (`site`).

Only `app` needs Starlette; `desk`, `pages` and `site` use the standard library and
the rest of handouts, so `handouts site` works without the `web` extra.
"""
