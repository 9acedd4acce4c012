#include "config.h"

#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "clock.h"

#define CACHE_MAGIC "check_ncp_advanced_certs cache 1\n"
#define CACHE_MAX_PAGES 100000
#define LOCK_POLL_MS 25

static void hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static void sha256_hex(const void *data, size_t len, char out[CACHE_KEY_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL);
	hex(md, md_len, out);
}

void cache_key(const char *endpoint, const char *access_key, char out[CACHE_KEY_LEN])
{
	struct buf b;

	buf_init(&b, 1 << 16);
	buf_printf(&b, "%s\n%s", endpoint, access_key);
	sha256_hex(buf_str(&b), b.len, out);
	buf_clear(&b);
}

/* ---- reading: a small cursor over the file's bytes ---------------------- */

struct cursor {
	const char *p, *end;
};

/* "word <unsigned number>\n" */
static bool take_number_line(struct cursor *c, const char *word, unsigned long long *out)
{
	size_t wl = strlen(word);
	char *stop;

	if ((size_t)(c->end - c->p) < wl + 2 || memcmp(c->p, word, wl) != 0 || c->p[wl] != ' ')
		return false;
	c->p += wl + 1;
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return false;
	errno = 0;
	*out = strtoull(c->p, &stop, 10);
	if (errno != 0 || stop >= c->end || *stop != '\n')
		return false;
	c->p = stop + 1;
	return true;
}

/* "word <text of len bytes>\n" */
static bool take_text_line(struct cursor *c, const char *word, const char *text)
{
	size_t wl = strlen(word), tl = strlen(text);

	if ((size_t)(c->end - c->p) < wl + tl + 2 || memcmp(c->p, word, wl) != 0 || c->p[wl] != ' ' ||
	    memcmp(c->p + wl + 1, text, tl) != 0 || c->p[wl + 1 + tl] != '\n')
		return false;
	c->p += wl + tl + 2;
	return true;
}

static const char *decode(const char *data, size_t len, const char *key, size_t max_page,
			  struct page_set *pages, long long *fetched_ms)
{
	struct cursor c = { data, data + len };
	unsigned long long fetched, n, size;
	char sum[CACHE_KEY_LEN];
	const char *sum_at;

	if (len < sizeof CACHE_MAGIC - 1 || memcmp(data, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) != 0)
		return "not a cache file of this plugin";
	c.p += sizeof CACHE_MAGIC - 1;
	if (!take_text_line(&c, "key", key))
		return "another account's answer";
	if (!take_number_line(&c, "fetched", &fetched) || !take_number_line(&c, "pages", &n) || n > CACHE_MAX_PAGES)
		return "corrupt header";
	for (unsigned long long i = 0; i < n; i++) {
		if (!take_number_line(&c, "page", &size) || size > max_page || size > (size_t)(c.end - c.p) ||
		    c.p + size >= c.end || c.p[size] != '\n')
			return "truncated or corrupt page";
		if (page_set_add(pages, c.p, (size_t)size) != 0)
			return "out of memory";
		c.p += size + 1;
	}
	sum_at = c.p;
	sha256_hex(data, (size_t)(sum_at - data), sum);
	if (!take_text_line(&c, "sha256", sum) || c.p != c.end)
		return "checksum mismatch (truncated or altered)";
	*fetched_ms = (long long)fetched;
	return NULL;
}

static int read_file(const char *path, size_t cap, struct buf *out, struct ncp_err *err)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		ncp_err_set(err, NCP_ERR_INPUT, "cannot open cache %s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(out, cap);
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (buf_append(out, chunk, (size_t)n) != 0) {
			close(fd);
			return 2;  /* too large: treated as corrupt */
		}
	}
	close(fd);
	if (n < 0) {
		ncp_err_set(err, NCP_ERR_INPUT, "cannot read cache %s: %s", path, strerror(errno));
		return -1;
	}
	return 1;
}

int cache_load(const char *path, const char *key, size_t max_page, struct page_set *pages,
	       long long *fetched_ms, const char **why, struct ncp_err *err)
{
	struct buf data;
	int rc;

	page_set_init(pages);
	buf_init(&data, 0);
	rc = read_file(path, max_page > SIZE_MAX / 8 ? SIZE_MAX : max_page * 8 + (1 << 20), &data, err);
	if (rc <= 0) {
		*why = "no cache file yet";
		buf_clear(&data);
		return rc;
	}
	*why = rc == 2 ? "larger than any answer could be" : decode(buf_str(&data), data.len, key, max_page, pages, fetched_ms);
	buf_clear(&data);
	if (*why) {
		page_set_clear(pages);
		return 0;
	}
	return 1;
}

/* ---- writing ------------------------------------------------------------ */

static int encode(const char *key, const struct page_set *pages, long long fetched_ms, struct buf *out)
{
	char sum[CACHE_KEY_LEN];
	int rc = buf_puts(out, CACHE_MAGIC);

	rc |= buf_printf(out, "key %s\nfetched %lld\npages %zu\n", key, fetched_ms, pages->len);
	for (size_t i = 0; i < pages->len && rc == 0; i++) {
		rc |= buf_printf(out, "page %zu\n", pages->pages[i].len);
		rc |= buf_append(out, buf_str(&pages->pages[i]), pages->pages[i].len);
		rc |= buf_puts(out, "\n");
	}
	if (rc != 0)
		return -1;
	sha256_hex(buf_str(out), out->len, sum);
	return buf_printf(out, "sha256 %s\n", sum);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cache_store(const char *path, const char *key, const struct page_set *pages, long long fetched_ms,
		struct ncp_err *err)
{
	struct buf data, tmp;
	int fd = -1, rc = -1;

	buf_init(&data, SIZE_MAX / 2);
	buf_init(&tmp, 8192);
	if (encode(key, pages, fetched_ms, &data) != 0 || buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()) != 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory writing the cache");
		goto out;
	}
	unlink(buf_str(&tmp));
	fd = open(buf_str(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, buf_str(&data), data.len) != 0 || fsync(fd) != 0) {
		ncp_err_set(err, NCP_ERR_INPUT, "cannot write cache %s: %s", buf_str(&tmp), strerror(errno));
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc != 0 || rename(buf_str(&tmp), path) != 0) {
		rc = -1;
		ncp_err_set(err, NCP_ERR_INPUT, "cannot replace cache %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp.len)
		unlink(buf_str(&tmp));
	buf_clear(&data);
	buf_clear(&tmp);
	return rc;
}

int cache_lock(const char *path, long long deadline_ms, struct ncp_err *err)
{
	struct buf lock_path;
	int fd;

	buf_init(&lock_path, 8192);
	if (buf_printf(&lock_path, "%s.lock", path) != 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	fd = open(buf_str(&lock_path), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ncp_err_set(err, NCP_ERR_INPUT, "cannot open cache lock %s: %s", buf_str(&lock_path), strerror(errno));
		buf_clear(&lock_path);
		return -1;
	}
	buf_clear(&lock_path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			ncp_err_set(err, NCP_ERR_INPUT, "cannot lock cache %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (clock_monotonic_ms() + LOCK_POLL_MS >= deadline_ms) {
			ncp_err_set(err, NCP_ERR_TIMEOUT, "waiting for another run to fill cache %s", path);
			close(fd);
			return -1;
		}
		clock_sleep_ms(LOCK_POLL_MS);
	}
	return fd;
}

void cache_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
