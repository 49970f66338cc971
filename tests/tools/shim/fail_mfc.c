/* LD_PRELOAD shim for the fault tests: makes the kernel "refuse" MRT_ADD_MFC.
 *
 * setsockopt(IPPROTO_IP, MRT_ADD_MFC) for a group in 225.66.0.0/16 fails with ENOBUFS,
 * as the kernel does when it runs out of memory for a cache entry; every other call goes
 * to the real setsockopt. Built by tests/common/hostile.rs with `cc -shared -fPIC`.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define MRT_ADD_MFC 204

typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	static setsockopt_fn real;
	if (!real)
		real = (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt");
	if (level == IPPROTO_IP && name == MRT_ADD_MFC && val && len >= 8) {
		unsigned char grp[4];
		memcpy(grp, (const unsigned char *)val + 4, 4); /* mfcc_mcastgrp */
		if (grp[0] == 225 && grp[1] == 66) {
			errno = ENOBUFS;
			return -1;
		}
	}
	return real(fd, level, name, val, len);
}
