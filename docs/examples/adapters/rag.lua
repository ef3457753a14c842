-- rag.lua: the adapter for the RAG backends of the legacy search service,
-- described in its configuration, legacy/rag/backends.yaml:
--   backends:
--     - id: docs
--       engine: faiss            # faiss, elastic or pgvector
--       index: indexes/docs.faiss
--       dims: 768
--       embedder: { model: all-mpnet-base-v2, dims: 768 }
--       top_k: 5
-- The plan reads the file (file.read_yaml) and passes it in: the sandbox
-- gives Lua no io or os, so these functions only compute.
--
-- Each function takes one table of arguments: named arguments by name,
-- positional ones at [1], [2], ... An error raised with mig.error(class,
-- message) is an error of that class in the plan (docs/lua.md).

local ENGINES = { faiss = true, elastic = true, pgvector = true }

local function fail(class, fmt, ...)
  mig.error(class, string.format(fmt, ...), 2)
end

local M = {}

-- backends{config}: the backends the configuration declares.
function M.backends(args)
  local list = args.config and args.config.backends
  if type(list) ~= "table" then
    fail("InvalidConfig", "the search service configuration has no 'backends'")
  end
  for i, b in ipairs(list) do
    if not ENGINES[b.engine] then
      fail("InvalidConfig", "backend %d: unknown engine '%s'", i, tostring(b.engine))
    end
  end
  return list
end

-- to_v2(backend, batch_size): the V2 registry entry of a backend. An
-- index built for other vectors than its embedder gives is a SchemaDrift
-- (a class the plan declares).
function M.to_v2(args)
  local b = args.backend or args[1]
  local embedder = b.embedder or {}
  if b.dims ~= nil and embedder.dims ~= nil and b.dims ~= embedder.dims then
    fail("SchemaDrift", "backend %s: its index holds %d-dimension vectors, its embedder gives %d",
         b.id, b.dims, embedder.dims)
  end
  return {
    schema = "mig.v2/tool", kind = "rag", name = "search_" .. b.id,
    description = "Retrieves passages from the " .. b.id .. " index.",
    input_schema = {
      type = "object", required = { "query" },
      properties = { query = { type = "string" },
                     top_k = { type = "integer", default = b.top_k or 5 } },
    },
    backend = { engine = b.engine, index = b.index, embedder = embedder.model,
                ingest_batch = args.batch_size or 50 },
  }
end

return M
