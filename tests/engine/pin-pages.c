/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pin-pages FILE: read FILE into the page cache and mlock it there until
 * killed.  "pinned" on stdout says it is done.  The hypervisor under the
 * test machines reclaims the page cache at any moment; a RWF_NOWAIT read of
 * a page it took fails with EAGAIN, in fio's engine and ours alike, so a test
 * of cached NOWAIT reads holds its file in memory with this.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	struct stat st;
	void *map;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: pin-pages FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size == 0) {
		fprintf(stderr, "pin-pages: %s: %s\n", argv[1], fd < 0 ? strerror(errno) : "empty or unreadable");
		return 1;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (map == MAP_FAILED || mlock(map, st.st_size)) {
		fprintf(stderr, "pin-pages: cannot lock %s in memory: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("pinned\n");
	fflush(stdout);
	for (;;)
		pause();
}
