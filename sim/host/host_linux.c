/*	xcallsim: sim/host/host_linux.c, the Linux host	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Linux: futex(2) for waits, gettid(2) for thread ids, and /proc for
 * what the process holds.
 */

#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/futex.h>
#include <linux/membarrier.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

const char xcs_host_name[] = "linux";

void
xcs_host_wait(int32_t *word, int32_t val, uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	/* EAGAIN (the word moved), EINTR and ETIMEDOUT: the caller looks. */
	(void)syscall(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, val,
	    ns == 0 ? NULL : &ts, NULL, 0);
}

void
xcs_host_wake(int32_t *word)
{
	(void)syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
	    INT_MAX, NULL, NULL, 0);
}

int
xcs_host_tid(void)
{
	return ((int)syscall(SYS_gettid));
}

/*
 * The state letter of /proc/self/task/TID/stat: S, an interruptible
 * sleep, which is where a futex wait is.
 */
int
xcs_host_thread_asleep(int tid)
{
	char path[64], buf[512], *p, state;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The name in parentheses may hold anything: after its last ')'. */
	for (p = buf + n; p > buf && p[-1] != ')'; p--)
		continue;
	if (p == buf || sscanf(p, " %c", &state) != 1)
		return (-1);
	return (state == 'S');
}

long
xcs_host_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	fclose(f);
	return (kib);
}

/* The entries of a /proc directory, or -1. */
static int
xcs_host_count_dir(const char *path)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

int
xcs_host_threads(void)
{
	return (xcs_host_count_dir("/proc/self/task"));
}

/* Less the one opendir() holds while it counts. */
int
xcs_host_fds(void)
{
	int n = xcs_host_count_dir("/proc/self/fd");

	return (n < 0 ? n : n - 1);
}

/* The host's CPUs, or all of them for -1. */
int
xcs_host_pin(int cpu)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (cpu == -1 ? i < (int)sysconf(_SC_NPROCESSORS_ONLN) :
		    i == cpu)
			CPU_SET(i, &set);
	return (pthread_setaffinity_np(pthread_self(), sizeof(set), &set));
}

static int
xcs_host_membarrier_cmd(int cmd)
{
	if (syscall(SYS_membarrier, cmd, 0, 0) == -1)
		return (errno == ENOSYS ? ENOTSUP : errno);
	return (0);
}

int
xcs_host_membarrier_register(void)
{
	return (xcs_host_membarrier_cmd(
	    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED));
}

int
xcs_host_membarrier(void)
{
	return (xcs_host_membarrier_cmd(MEMBARRIER_CMD_PRIVATE_EXPEDITED));
}
