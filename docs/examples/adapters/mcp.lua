-- mcp.lua: the MCP adapter. Each legacy MCP server's reply to tools/list
-- is kept in legacy/mcp/SERVER/tools.json:
--   { "tools": [ { "name": "read_file", "description": "...",
--                  "inputSchema": { "type": "object", ... },
--                  "annotations": { "deprecated": false } } ] }
-- The plan reads those files (file.read_json) and passes them in: the
-- sandbox gives Lua no io or os, so these functions only compute.
--
-- Each function takes one table of arguments: named arguments by name,
-- positional ones at [1], [2], ... (docs/lua.md). Lists that may be empty
-- are made with mig.list(), so that they stay lists.

local M = {}

-- Whether an MCP tool is marked deprecated, by annotation or by a
-- "[deprecated]" at the start of its description.
local function deprecated(t)
  if type(t.annotations) == "table" and t.annotations.deprecated == true then
    return true
  end
  return string.lower(t.description or ""):find("^%[deprecated%]") ~= nil
end

-- merge{into, listing, server}: the list INTO followed by the tools of
-- one tools/list reply, each tagged with its SERVER.
function M.merge(args)
  local tools = mig.list()
  for _, t in ipairs(args.into or {}) do tools[#tools + 1] = t end
  for _, t in ipairs(args.listing.tools or {}) do
    tools[#tools + 1] = {
      server = args.server, name = t.name, description = t.description or "",
      input_schema = t.inputSchema or { type = "object" },
      deprecated = deprecated(t),
    }
  end
  return tools
end

-- to_v2(tool): the V2 registry entry of a merged tool, named SERVER_NAME
-- since two servers may offer tools of the same name.
function M.to_v2(args)
  local tool = args.tool or args[1]
  return {
    schema = "mig.v2/tool", kind = "mcp",
    name = tool.server .. "_" .. tool.name,
    description = tool.description, input_schema = tool.input_schema,
    source = { format = "mcp", server = tool.server, name = tool.name },
  }
end

return M
