/* eval_env.c: the scopes the evaluator looks names up in (interpreter.h,
 * eval_env_*): a chain of small arrays of bindings, each hashed once it
 * grows, and the action caller a scope may carry. */
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"

/* A scope is an array: most hold a few names (lets of a block, a loop
 * variable) and are searched; one that grows past ENV_LINEAR_MAX (the
 * stages of a plan of 10,000 stages) gets a hash index, so that binding
 * and finding stay O(1). Keeping bindings out of a val map keeps them
 * free of the value depth limit. */
#define ENV_LINEAR_MAX 8

void eval_env_set_actions(eval_env_t *env, eval_action_fn fn, void *data)
{
    env->actions = fn;
    env->actions_data = data;
}

void eval_env_set_registries(eval_env_t *env, const val_t *targets)
{
    env->registries = targets;
}

void eval_env_expect_unbound(eval_env_t *env)
{
    env->unbound_expected = true;
}

/* The scope that handles action calls for ENV, or NULL. */
const eval_env_t *eval_env_actions(const eval_env_t *env)
{
    for (; env; env = env->parent)
        if (env->actions)
            return env;
    return NULL;
}

eval_env_t *eval_env_new(eval_env_t *parent)
{
    eval_env_t *env = calloc(1, sizeof(*env));
    if (env) {
        env->parent = parent;
        env->unbound_expected = parent && parent->unbound_expected;
    }
    return env;
}

void eval_env_free(eval_env_t *env)
{
    if (!env)
        return;
    for (size_t i = 0; i < env->len; i++) {
        free(env->items[i].name);
        val_unref(env->items[i].value);
    }
    free(env->items);
    free(env->slots);
    free(env);
}

eval_env_t *eval_env_pop(eval_env_t *env)
{
    eval_env_t *parent = env->parent;
    eval_env_free(env);
    return parent;
}

static uint32_t env_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of NAME in ENV's index: where it is, or the empty one. */
static size_t env_slot(const eval_env_t *env, const char *name)
{
    size_t mask = env->nslots - 1, i = env_hash(name) & mask;
    while (env->slots[i]
           && strcmp(env->items[env->slots[i] - 1].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Indexes the names of ENV once it holds more than ENV_LINEAR_MAX, with
 * room for one more. False when out of memory. */
static bool env_reindex(eval_env_t *env)
{
    if (env->len < ENV_LINEAR_MAX || (env->len + 1) * 2 <= env->nslots)
        return true;
    size_t n = 32;
    while (n < (env->len + 1) * 2)
        n *= 2;
    uint32_t *slots = calloc(n, sizeof(*slots));
    if (!slots)
        return false;
    free(env->slots);
    env->slots = slots;
    env->nslots = n;
    for (size_t i = 0; i < env->len; i++)
        env->slots[env_slot(env, env->items[i].name)] = (uint32_t)i + 1;
    return true;
}

static eval_binding_t *eval_env_find(const eval_env_t *env, const char *name)
{
    if (env->slots) {
        size_t s = env_slot(env, name);
        return env->slots[s] ? &env->items[env->slots[s] - 1] : NULL;
    }
    for (size_t i = env->len; i-- > 0;)
        if (strcmp(env->items[i].name, name) == 0)
            return &env->items[i];
    return NULL;
}

mig_status_t eval_env_set(eval_env_t *env, const char *name, val_t *value)
{
    eval_binding_t *b = eval_env_find(env, name);
    if (b) {
        val_ref(value);
        val_unref(b->value);
        b->value = value;
        return MIG_OK;
    }
    if (!val_grow((void **)&env->items, &env->cap, env->len,
                  sizeof(*env->items)) || !env_reindex(env))
        return MIG_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return MIG_ENOMEM;
    if (env->slots)
        env->slots[env_slot(env, name)] = (uint32_t)env->len + 1;
    env->items[env->len++] = (eval_binding_t){ copy, val_ref(value) };
    return MIG_OK;
}

val_t *eval_env_get(const eval_env_t *env, const char *name)
{
    for (; env; env = env->parent) {
        const eval_binding_t *b = eval_env_find(env, name);
        if (b)
            return b->value;
    }
    return NULL;
}

