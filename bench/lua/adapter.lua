-- adapter.lua: the adapter the Lua benchmark calls (bench/lua/runner.c):
-- a Synapse-style legacy tool of ten fields in, its V2 registry entry
-- out, the way docs/examples/adapters/synapse.lua converts one. The
-- runner calls to_v2 through the bridge (a mig map in, a map out) and,
-- as the floor, through the plain Lua C API with the table built by hand.

local TYPES = {
  str = "string", int = "integer", float = "number", bool = "boolean",
  list = "array", dict = "object",
}

local M = {}

-- to_v2(tool): the V2 entry of one legacy tool.
function M.to_v2(args)
  local tool = args[1]
  local properties, required = {}, mig and mig.list() or {}
  for _, p in ipairs(tool.params) do
    properties[p.name] = { type = TYPES[p.type] or "string",
                           description = p.help }
    if p.required then required[#required + 1] = p.name end
  end
  return {
    schema = "mig.v2/tool", kind = "synapse",
    name = string.lower(tool.tool_name),
    description = tool.desc, handler = tool.entry,
    input_schema = { type = "object", properties = properties,
                     required = required },
    source = { format = "synapse", version = tool.version,
               owner = tool.owner },
    tags = tool.tags, deprecated = tool.deprecated == true,
    timeout_ms = tool.timeout_ms, rating = tool.rating,
  }
end

return M
