/* libFuzzer target: a ~/.ncloud/configure file -> ini_lookup().
 *
 * The input is the file's bytes, not NUL-terminated (creds.c reads the
 * file into memory the same way), so ASan sees any read past its end.
 * Lookups: the names the plugin uses, plus the first section header and
 * the first few keys the input itself holds, so the fuzzer can reach the
 * "found" paths without guessing names.
 *
 * Contracts that abort besides memory errors and UB:
 *   - 1 comes with a value, 0 and -1 without one;
 *   - a found key implies section_seen;
 *   - a value has no line break and no blanks at either end, and is a
 *     piece of the input. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME_MAX_LEN 64
#define MAX_KEYS 4

#define REQUIRE(cond, what)                                                               \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_ini: contract broken: %s\n", what);        \
			abort();                                                          \
		}                                                                         \
	} while (0)

struct names {
	char section[NAME_MAX_LEN + 1];
	char keys[MAX_KEYS][NAME_MAX_LEN + 1];
	size_t n_keys;
};

static void copy_name(char *out, const char *p, size_t len)
{
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
		len--;
	if (len > NAME_MAX_LEN)
		len = NAME_MAX_LEN;
	memcpy(out, p, len);
	out[len] = '\0';
}

/* The first "[...]" and the names before '=' on the first lines that have one. */
static void names_from_input(const char *text, size_t len, struct names *n)
{
	const char *end = text + len;

	memset(n, 0, sizeof *n);
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *open = memchr(p, '[', (size_t)(line_end - p));
		const char *eq = memchr(p, '=', (size_t)(line_end - p));

		if (open && n->section[0] == '\0') {
			const char *close = memchr(open, ']', (size_t)(line_end - open));
			if (close)
				copy_name(n->section, open + 1, (size_t)(close - open - 1));
		} else if (eq && n->n_keys < MAX_KEYS) {
			copy_name(n->keys[n->n_keys++], p, (size_t)(eq - p));
		}
		p = nl ? nl + 1 : end;
	}
}

static void lookup(const char *text, size_t len, const char *section, const char *key)
{
	char *value = (char *)1;
	bool seen = true;
	int rc = ini_lookup(text, len, section, key, &value, &seen);

	REQUIRE(rc >= -1 && rc <= 1, "unexpected return code");
	if (rc != 1) {
		REQUIRE(value == NULL, "value set although nothing was found");
		return;
	}
	REQUIRE(value != NULL, "found without a value");
	REQUIRE(seen, "key found in a section that was not seen");
	size_t n = strlen(value);
	REQUIRE(n <= len, "value longer than the file");
	REQUIRE(n == 0 || memmem(text, len, value, n) != NULL, "value is not a piece of the file");
	REQUIRE(strchr(value, '\n') == NULL, "value holds a line break");
	REQUIRE(n == 0 || (value[0] != ' ' && value[0] != '\t'), "value starts with a blank");
	/* a NUL byte in the file cuts the value short, maybe after a blank */
	REQUIRE(n == 0 || memchr(text, '\0', len) ||
		(value[n - 1] != ' ' && value[n - 1] != '\t' && value[n - 1] != '\r'),
		"value ends with a blank or CR");
	free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sections[] = { "DEFAULT", "default", "prod", "" };
	static const char *const keys[] = { "ncloud_access_key_id", "ncloud_secret_access_key", "ncloud_api_url", "" };
	const char *text = (const char *)data;
	struct names n;

	for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++)
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			lookup(text, size, sections[s], keys[k]);
	names_from_input(text, size, &n);
	for (size_t k = 0; k < n.n_keys; k++) {
		lookup(text, size, n.section, n.keys[k]);
		lookup(text, size, "DEFAULT", n.keys[k]);
		/* "[profile x]" is looked up as "x" */
		if (strncmp(n.section, "profile ", 8) == 0)
			lookup(text, size, n.section + 8, n.keys[k]);
	}
	return 0;
}
