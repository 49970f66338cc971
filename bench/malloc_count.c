/*
 * LD_PRELOAD shim counting heap calls of a running process (and its children).
 *
 * The counters live in a shared mapping of the file named by $SMCB_MALLOC_COUNT, so the
 * benchmark reads them while the daemon is still running: a daemon that leaves with
 * _exit() never runs destructors. Calls made before the constructor (by other libraries'
 * constructors) are counted in a private array and carried over.
 *
 * The file holds five little-endian u64: malloc, calloc, realloc, aligned, free.
 * It forwards to glibc's __libc_* entry points, so no dlsym bootstrap is needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

enum { C_MALLOC, C_CALLOC, C_REALLOC, C_ALIGNED, C_FREE, C_MAX };

static uint64_t early[C_MAX];
static uint64_t *counts = early;

static void count(int which)
{
	__atomic_fetch_add(&counts[which], 1, __ATOMIC_RELAXED);
}

__attribute__((constructor)) static void setup(void)
{
	const char *path = getenv("SMCB_MALLOC_COUNT");
	uint64_t *map;
	int fd, i;

	if (!path)
		return;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (ftruncate(fd, 4096) == 0) {
		map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map != MAP_FAILED) {
			for (i = 0; i < C_MAX; i++)
				__atomic_fetch_add(&map[i], early[i], __ATOMIC_RELAXED);
			counts = map;
		}
	}
	close(fd);
}

void *malloc(size_t size)
{
	count(C_MALLOC);
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	count(C_CALLOC);
	return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
	count(C_REALLOC);
	return __libc_realloc(ptr, size);
}

void *memalign(size_t align, size_t size)
{
	count(C_ALIGNED);
	return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	count(C_ALIGNED);
	return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	count(C_ALIGNED);
	p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void free(void *ptr)
{
	if (ptr)
		count(C_FREE);
	__libc_free(ptr);
}
