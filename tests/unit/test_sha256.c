/*
** test_sha256.c — src/util/sha256.c against FIPS 180-2's example vectors
** (appendix B: "abc", the 448-bit message, a million 'a'; and the 896-bit
** message of FIPS 180-4's examples), the empty message, lengths around the
** padding boundaries (55, 56, 63, 64, 65, 119, 120 bytes: one or two
** padding blocks), and the same digest whatever pieces the bytes come in.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const char *hex_of(const char *s, size_t n) {
    static char out[65];
    sha256_hex(s, n, out);
    return out;
}

static void fips_vectors(void **state) {
    (void)state;
    assert_string_equal(hex_of("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(hex_of("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_string_equal(hex_of(m448, strlen(m448)),
                        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       "mnopqrstnopqrstu";
    assert_string_equal(hex_of(m896, strlen(m896)),
                        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void million_a(void **state) {
    (void)state;
    /* Fed 1000 bytes at a time, as the standard's long message is usually
    ** tested, and at once. */
    char *buf = malloc(1000000);
    assert_non_null(buf);
    memset(buf, 'a', 1000000);
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < 1000; i++) sha256_update(&c, buf, 1000);
    unsigned char d[32];
    char hex[65];
    sha256_final(&c, d);
    sha256_to_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    assert_string_equal(hex_of(buf, 1000000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(buf);
}

static void padding_boundaries(void **state) {
    (void)state;
    /* Digests of n times 'a' (coreutils sha256sum). */
    static const struct { size_t n; const char *hex; } V[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    char buf[128];
    memset(buf, 'a', sizeof buf);
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) assert_string_equal(hex_of(buf, V[i].n), V[i].hex);
}

static void any_pieces(void **state) {
    (void)state;
    /* 300 bytes of varied content, fed in pieces of every size from 1 to
    ** 130: always the one-shot digest. */
    char buf[300];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)(i * 7 + 3);
    char whole[65];
    sha256_hex(buf, sizeof buf, whole);
    for (size_t piece = 1; piece <= 130; piece++) {
        sha256_ctx c;
        sha256_init(&c);
        for (size_t off = 0; off < sizeof buf; off += piece)
            sha256_update(&c, buf + off, off + piece <= sizeof buf ? piece : sizeof buf - off);
        sha256_update(&c, "", 0);
        unsigned char d[32];
        char hex[65];
        sha256_final(&c, d);
        sha256_to_hex(d, hex);
        assert_string_equal(hex, whole);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fips_vectors),
        cmocka_unit_test(million_a),
        cmocka_unit_test(padding_boundaries),
        cmocka_unit_test(any_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
