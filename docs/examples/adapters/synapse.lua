-- synapse.lua: the Synapse adapter. Synapse, the legacy agent framework,
-- lists its tools in one manifest, SOURCE/tools.json:
--   { "synapse": 1, "tools": [ { "tool_name": "search_docs",
--     "desc": "...", "version": "1.4.0", "entry": "search.run",
--     "params": [ { "name": "query", "type": "str", "required": true,
--                   "help": "..." } ], "deprecated": false } ] }
-- The plan reads the manifest (file.read_json) and passes it in: the
-- sandbox gives Lua no io or os, so these functions only compute.
--
-- Each function takes one table of arguments: named arguments by name,
-- positional ones at [1], [2], ... An error raised with mig.error(class,
-- message) is an error of that class in the plan (docs/lua.md). Lists
-- that may be empty are made with mig.list(), so that they stay lists.

local TYPES = {
  str = "string", int = "integer", float = "number", bool = "boolean",
  list = "array", dict = "object",
}

local function fail(class, fmt, ...)
  mig.error(class, string.format(fmt, ...), 2)
end

local M = {}

-- scan{manifest}: the tools of a Synapse manifest, sorted by name, with
-- the legacy field names replaced by plain ones.
function M.scan(args)
  local manifest = args.manifest or args[1]
  if type(manifest) ~= "table" or type(manifest.tools) ~= "table" then
    fail("InvalidConfig", "not a Synapse manifest: it has no 'tools' list")
  end
  local tools = mig.list()
  for i, t in ipairs(manifest.tools) do
    if type(t.tool_name) ~= "string" or t.tool_name == "" then
      fail("InvalidConfig", "tool %d of the manifest has no tool_name", i)
    end
    tools[#tools + 1] = {
      name = t.tool_name, description = t.desc or "",
      version = t.version or "0.0.0", entry = t.entry,
      params = t.params or mig.list(), deprecated = t.deprecated == true,
    }
  end
  table.sort(tools, function(a, b) return a.name < b.name end)
  return tools
end

-- to_v2(tool): the V2 registry entry of a scanned tool.
function M.to_v2(args)
  local tool = args.tool or args[1]
  local properties, required = mig.map(), mig.list()
  for _, p in ipairs(tool.params) do
    local t = TYPES[p.type]
    if t == nil then
      fail("InvalidConfig", "%s: parameter '%s' has the unknown type '%s'",
           tool.name, tostring(p.name), tostring(p.type))
    end
    properties[p.name] = { type = t, description = p.help }
    if p.required then required[#required + 1] = p.name end
  end
  return {
    schema = "mig.v2/tool", kind = "synapse", name = tool.name,
    description = tool.description, handler = tool.entry,
    input_schema = { type = "object", properties = properties,
                     required = required },
    source = { format = "synapse", version = tool.version },
  }
end

-- same_tool(stored, tool): whether the stored V2 entry came from this
-- very tool, at this version.
function M.same_tool(args)
  local stored, tool = args.stored or args[1], args.tool or args[2]
  return stored.name == tool.name and type(stored.source) == "table"
    and stored.source.format == "synapse"
    and stored.source.version == tool.version
end

-- recover{err, item}: a recovery hook (recover * with synapse.recover).
-- mig passes the error (class, message, node, attempt, input) and the
-- item being migrated; the hook returns its decision (docs/lua.md).
function M.recover(args)
  local err, tool = args.err or {}, args.item or {}
  if tool.deprecated then
    return { decision = "skip", reason = "deprecated in Synapse: " .. tostring(tool.name) }
  end
  if err.class == "InvalidConfig" then
    return { decision = "skip", reason = "cannot convert " .. tostring(tool.name)
                                         .. ": " .. tostring(err.message) }
  end
  return { decision = "fail", message = string.format("%s: %s: %s",
           tostring(tool.name), tostring(err.class), tostring(err.message)) }
end

-- report_script_error{err}: the handler of a plan's ScriptError: fails
-- with a message that says where the adapter broke.
function M.report_script_error(args)
  local err = args.err or {}
  return { decision = "fail", message = "the Synapse adapter failed: "
           .. tostring(err.message) .. " (see adapters/synapse.lua)" }
end

return M
