# Datasette for analysts, with the map plugin (docker-compose.yml `datasette` service).
# Same Datasette version as the test extra in pyproject.toml; the plugin version too.
FROM datasetteproject/datasette:0.65.1
RUN pip install --no-cache-dir datasette-cluster-map==0.18.2
