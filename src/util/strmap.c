/*
** strmap.c — string map, arena storage.
** Keys are not copied: they must live as long as the map (arena strings).
**
** A small map (up to LINEAR_MAX keys: a table's columns, a model's
** fields) is an array of key/value pairs searched in order, which costs
** less than hashing a short name and takes a quarter of the memory of a
** hash table kept three-quarters empty; retort holds several such maps
** per table, so at 10,000 tables that is tens of megabytes.  Past
** LINEAR_MAX keys the map becomes an open-addressing hash table (FNV-1a,
** linear probing, at most three-quarters full), so lookups stay O(1)
** however wide a table is.
*/
#include "util/util.h"

#include <stdint.h>
#include <string.h>

#define LINEAR_MAX 16

typedef struct { const char *key; void *value; } strmap_slot;

struct strmap {
    arena *arena;
    strmap_slot *slots;
    size_t cap, count;   /* hashed: cap is a power of two; linear: slots[0..count) */
    bool hashed;
};

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;          /* FNV-1a */
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ULL; }
    return h;
}

strmap *strmap_new(arena *a) {
    strmap *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    m->cap = 4;
    m->slots = arena_alloc(a, m->cap * sizeof *m->slots);
    return m;
}

static strmap_slot *find_slot(strmap_slot *slots, size_t cap, const char *key) {
    size_t i = (size_t)hash_str(key) & (cap - 1);
    while (slots[i].key && strcmp(slots[i].key, key) != 0) i = (i + 1) & (cap - 1);
    return &slots[i];
}

static strmap_slot *find_linear(const strmap *m, const char *key) {
    for (size_t i = 0; i < m->count; i++) {
        const char *k = m->slots[i].key;
        if (k[0] == key[0] && !strcmp(k, key)) return &m->slots[i];
    }
    return NULL;
}

void *strmap_get(const strmap *m, const char *key) {
    if (!key) return NULL;
    if (!m->hashed) {
        strmap_slot *s = find_linear(m, key);
        return s ? s->value : NULL;
    }
    strmap_slot *s = find_slot(m->slots, m->cap, key);
    return s->key ? s->value : NULL;
}

/* Move every key into a hash table of ncap slots. */
static void rehash(strmap *m, size_t ncap) {
    strmap_slot *ns = arena_alloc(m->arena, ncap * sizeof *ns);
    size_t n = m->hashed ? m->cap : m->count;
    for (size_t i = 0; i < n; i++)
        if (m->slots[i].key) *find_slot(ns, ncap, m->slots[i].key) = m->slots[i];
    m->slots = ns;
    m->cap = ncap;
    m->hashed = true;
}

void strmap_reserve(strmap *m, size_t n) {
    if (m->hashed || n <= m->cap) {
        if (m->hashed)
            while ((n + 1) * 4 > m->cap * 3) rehash(m, m->cap * 2);
        return;
    }
    if (n <= LINEAR_MAX) {
        m->slots = arena_grow(m->arena, m->slots, m->cap * sizeof *m->slots, n * sizeof *m->slots);
        m->cap = n;
        return;
    }
    size_t cap = 4 * LINEAR_MAX;
    while ((n + 1) * 4 > cap * 3) cap *= 2;
    rehash(m, cap);
}

/* The slot of key, made (empty of value) when it is new: *is_new says. */
static strmap_slot *slot_for(strmap *m, const char *key, bool *is_new) {
    if (!m->hashed) {
        strmap_slot *s = find_linear(m, key);
        if (s) {
            *is_new = false;
            return s;
        }
        if (m->count < LINEAR_MAX) {
            if (m->count == m->cap) {
                m->slots = arena_grow(m->arena, m->slots, m->cap * sizeof *m->slots, 2 * m->cap * sizeof *m->slots);
                m->cap *= 2;
            }
            m->slots[m->count] = (strmap_slot){key, NULL};
            *is_new = true;
            return &m->slots[m->count++];
        }
        rehash(m, 4 * LINEAR_MAX);
    } else if ((m->count + 1) * 4 > m->cap * 3) {
        rehash(m, m->cap * 2);
    }
    strmap_slot *s = find_slot(m->slots, m->cap, key);
    *is_new = !s->key;
    if (!s->key) {
        *s = (strmap_slot){key, NULL};
        m->count++;
    }
    return s;
}

void *strmap_put(strmap *m, const char *key, void *value) {
    bool is_new;
    strmap_slot *s = slot_for(m, key, &is_new);
    void *old = s->value;
    s->value = value;
    return old;
}

void *strmap_add(strmap *m, const char *key, void *value) {
    bool is_new;
    strmap_slot *s = slot_for(m, key, &is_new);
    if (!is_new) return s->value;
    s->value = value;
    return NULL;
}

size_t strmap_count(const strmap *m) { return m->count; }
