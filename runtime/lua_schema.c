/* lua_schema.c: mig.schema.validate's check (docs/lua.md, "mig.schema"),
 * the shared JSON-Schema subset of interpreter/schema.c in Lua's words:
 * paths such as $.tools[1].name (items counted from 1) and schemas called
 * tables in messages. */
#include "lua_int.h"

mig_status_t luab_schema_validate(const val_t *value, const val_t *schema,
                                  val_t *errors, strbuf_t *why)
{
    return schema_validate_at(value, schema, "$", SCHEMA_LUA, errors, why);
}
