/* lib/text.c: API text made safe for a plugin line, and display width. */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "tap.h"
#include "text.h"

/* text_append_safe into a fresh buffer; returns its rc, the text in out. */
static int safe(const char *in, size_t max_chars, char *out, size_t out_len)
{
	struct buf b;
	int rc;

	buf_init(&b, 1 << 16);
	rc = text_append_safe(&b, in, max_chars);
	snprintf(out, out_len, "%s", buf_str(&b));
	buf_clear(&b);
	return rc;
}

struct safe_case {
	const char *in;
	size_t max;
	const char *want;
	const char *what;
};

static const struct safe_case safe_cases[] = {
	{ "plain-name.example.com", 0, "plain-name.example.com", "plain ASCII unchanged" },
	{ "", 0, "", "empty string" },
	{ "a|b", 0, "a/b", "'|' becomes '/'" },
	{ "a;b", 0, "a,b", "';' becomes ','" },
	{ "a\nb", 0, "a b", "newline becomes a space" },
	{ "a\r\nb", 0, "a  b", "CR and LF each become a space" },
	{ "a\tb\x01" "c\x7F" "d", 0, "a b c d", "tab, other C0 controls and DEL become spaces" },
	{ "x|y;z\n|", 0, "x/y,z /", "several replacements in one string" },
	{ "a\xFF" "b", 0, "a?b", "byte 0xFF becomes '?'" },
	{ "a\xC3", 0, "a?", "sequence cut by the end of the string becomes '?'" },
	{ "\xC3\x28", 0, "?(", "bad continuation byte: lead becomes '?', next byte kept" },
	{ "\xC0\xAF", 0, "??", "overlong '/' is rejected byte by byte" },
	{ "\xE0\x80\xAF", 0, "???", "overlong three-byte form rejected" },
	{ "\xED\xA0\x80", 0, "???", "UTF-16 surrogate rejected" },
	{ "\xF4\x90\x80\x80", 0, "????", "code point past U+10FFFF rejected" },
	{ "\xF8\x88\x80\x80\x80", 0, "?????", "five-byte form rejected" },
	{ "\x80" "abc", 0, "?abc", "lone continuation byte" },
	{ "\xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C", 0, "\xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C",
	  "Korean kept intact" },
	{ "caf\xC3\xA9", 0, "caf\xC3\xA9", "two-byte UTF-8 kept" },
	{ "\xF0\x9F\x94\x92 lock", 0, "\xF0\x9F\x94\x92 lock", "four-byte UTF-8 (emoji) kept" },
	{ "a\xC2\x85" "b", 0, "a b", "C1 control U+0085 becomes a space" },
	{ "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c", 0, "a b c", "U+2028 and U+2029 become spaces" },
	{ "abcdef", 3, "abc...", "cut to 3 characters ends in ..." },
	{ "abc", 3, "abc", "exactly max characters: not cut" },
	{ "ab", 3, "ab", "shorter than max: not cut" },
	{ "abcd", 0, "abcd", "max 0 means no limit" },
	{ "\xEA\xB0\x80\xEB\x82\x98\xEB\x8B\xA4\xEB\x9D\xBC", 2, "\xEA\xB0\x80\xEB\x82\x98...",
	  "cut counts characters, not bytes (Korean)" },
	{ "a|b|c", 3, "a/b...", "cut after replacing" },
	{ "\xFF\xFF\xFF\xFF", 2, "??...", "each bad byte counts as one character" },
};

static void test_safe_table(void)
{
	for (size_t i = 0; i < sizeof safe_cases / sizeof safe_cases[0]; i++) {
		const struct safe_case *c = &safe_cases[i];
		char out[256];
		int rc = safe(c->in, c->max, out, sizeof out);
		tap_ok(rc == 0 && strcmp(out, c->want) == 0, "safe: %s", c->what);
		if (rc != 0 || strcmp(out, c->want) != 0) {
			tap_diag("rc %d", rc);
			tap_diag_value("got:", out);
			tap_diag_value("expected:", c->want);
		}
	}
}

static void test_safe_edges(void)
{
	struct buf b;
	char out[16];

	buf_init(&b, 100);
	buf_puts(&b, "pre:");
	tap_is_int(text_append_safe(&b, NULL, 0), 0, "NULL text: nothing to do, success");
	tap_is_int(text_append_safe(&b, "x|y", 0), 0, "appends after existing content");
	tap_is_str(buf_str(&b), "pre:x/y", "existing content kept");
	buf_clear(&b);

	buf_init(&b, 4);
	tap_is_int(text_append_safe(&b, "abcdef", 0), -1, "buffer too small: -1");
	tap_ok(b.len <= 4, "the cap still holds");
	buf_clear(&b);

	buf_init(&b, 5);
	tap_is_int(text_append_safe(&b, "abcdef", 3), -1, "room for the text but not the \"...\": -1");
	buf_clear(&b);

	/* Any output of text_append_safe is itself safe: idempotent. */
	safe("a|b;c\n\xFF", 0, out, sizeof out);
	char again[16];
	safe(out, 0, again, sizeof again);
	tap_is_str(again, out, "safe text stays the same when made safe again");
}

/* text_append_utf8: only bytes that are not UTF-8 change (to U+FFFD). */
static void test_utf8(void)
{
	static const char *const cases[][3] = {
		{ "plain|text;kept\n", "plain|text;kept\n", "ASCII, '|', ';' and newline untouched" },
		{ "\xEC\x9D\xB8\xEC\xA6\x9D", "\xEC\x9D\xB8\xEC\xA6\x9D", "Korean untouched" },
		{ "a\xFF" "b", "a\xEF\xBF\xBD" "b", "a bad byte becomes U+FFFD" },
		{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", "overlong form: one U+FFFD per byte" },
		{ "x\xE2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD", "sequence cut by the end" },
		{ "", "", "empty" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;
		buf_init(&b, 1024);
		tap_is_int(text_append_utf8(&b, cases[i][0]), 0, "utf8: %s: success", cases[i][2]);
		tap_is_str(buf_str(&b), cases[i][1], "utf8: %s", cases[i][2]);
		buf_clear(&b);
	}
}

struct width_case {
	const char *in;
	size_t want;
	const char *what;
};

static const struct width_case width_cases[] = {
	{ "", 0, "empty" },
	{ "abc", 3, "ASCII: one column each" },
	{ "\xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C", 6, "Korean: two columns per syllable" },
	{ "a\xEC\x9D\xB8" "b", 4, "mixed ASCII and Korean" },
	{ "\xE6\xBC\xA2\xE5\xAD\x97", 4, "CJK ideographs: two columns each" },
	{ "\xE3\x81\x82", 2, "Hiragana: two columns" },
	{ "\xEF\xBC\xA1", 2, "fullwidth Latin A: two columns" },
	{ "caf\xC3\xA9", 4, "Latin with accent: one column each" },
	{ "\xF0\x9F\x98\x80", 2, "emoji U+1F600: two columns" },
	{ "a\xFF" "b", 3, "a bad byte counts as one column" },
	{ "\xE1\x84\x80", 2, "Hangul Jamo U+1100: two columns" },
};

static void test_width(void)
{
	for (size_t i = 0; i < sizeof width_cases / sizeof width_cases[0]; i++) {
		const struct width_case *c = &width_cases[i];
		tap_is_int((long long)text_display_width(c->in), (long long)c->want, "width: %s", c->what);
	}
}

int main(void)
{
	test_safe_table();
	test_safe_edges();
	test_utf8();
	test_width();
	return tap_done();
}
