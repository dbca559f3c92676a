/*	xcallsim: sim/host/host_openbsd.c, the OpenBSD host	*/

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
 * OpenBSD: futex(2) for waits (FUTEX_WAIT takes a relative timeout, as
 * Linux's does), getthrid(2) for thread ids, and sysctl(2)'s
 * KERN_PROC and KERN_FILE for what the process holds.
 *
 * Written from the manual pages; not yet compiled or run on OpenBSD by
 * us.  -DXCALLSIM_HOST=portable is the way round it if it fails there.
 */

#include <sys/types.h>
#include <sys/futex.h>
#include <sys/sysctl.h>
#include <sys/time.h>

#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

const char xcs_host_name[] = "openbsd";

void
xcs_host_wait(int32_t *word, int32_t val, uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	/* EAGAIN, EINTR and ETIMEDOUT: the caller looks at the word. */
	(void)futex((volatile uint32_t *)word,
	    FUTEX_WAIT | FUTEX_PRIVATE_FLAG, val, ns == 0 ? NULL : &ts, NULL);
}

void
xcs_host_wake(int32_t *word)
{
	(void)futex((volatile uint32_t *)word,
	    FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL);
}

int
xcs_host_tid(void)
{
	return (getthrid());
}

/*
 * The process and its threads, one kinfo_proc each (p_tid -1 for the
 * process): a malloc'ed array, or NULL.
 */
static struct kinfo_proc *
xcs_host_procs(size_t *n)
{
	int mib[6] = { CTL_KERN, KERN_PROC,
	    KERN_PROC_PID | KERN_PROC_SHOW_THREADS, getpid(),
	    sizeof(struct kinfo_proc), 0 };
	struct kinfo_proc *kp;
	size_t size;

	if (sysctl(mib, 6, NULL, &size, NULL, 0) == -1)
		return (NULL);
	/* Room for threads started since. */
	size += 16 * sizeof(*kp);
	if ((kp = malloc(size)) == NULL)
		return (NULL);
	mib[5] = size / sizeof(*kp);
	if (sysctl(mib, 6, kp, &size, NULL, 0) == -1) {
		free(kp);
		return (NULL);
	}
	*n = size / sizeof(*kp);
	return (kp);
}

int
xcs_host_thread_asleep(int tid)
{
	struct kinfo_proc *kp;
	size_t i, n;
	int asleep = -1;

	if ((kp = xcs_host_procs(&n)) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		if (kp[i].p_tid == tid)
			asleep = kp[i].p_stat == SSLEEP;
	free(kp);
	return (asleep);
}

long
xcs_host_rss_kib(void)
{
	struct kinfo_proc *kp;
	size_t i, n;
	long kib = -1;

	if ((kp = xcs_host_procs(&n)) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		if (kp[i].p_tid == -1)
			kib = (long)kp[i].p_vm_rssize * (getpagesize() / 1024);
	free(kp);
	return (kib);
}

int
xcs_host_threads(void)
{
	struct kinfo_proc *kp;
	size_t i, n;
	int threads = 0;

	if ((kp = xcs_host_procs(&n)) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		if (kp[i].p_tid != -1)
			threads++;
	free(kp);
	return (threads);
}

/* The process's open files; KERN_FILE also lists its text and cwd. */
int
xcs_host_fds(void)
{
	int mib[6] = { CTL_KERN, KERN_FILE, KERN_FILE_BYPID, getpid(),
	    sizeof(struct kinfo_file), 0 };
	struct kinfo_file *kf;
	size_t i, size;
	int fds = 0;

	if (sysctl(mib, 6, NULL, &size, NULL, 0) == -1)
		return (-1);
	size += 16 * sizeof(*kf);
	if ((kf = malloc(size)) == NULL)
		return (-1);
	mib[5] = size / sizeof(*kf);
	if (sysctl(mib, 6, kf, &size, NULL, 0) == -1) {
		free(kf);
		return (-1);
	}
	for (i = 0; i < size / sizeof(*kf); i++)
		if (kf[i].fd_fd >= 0)
			fds++;
	free(kf);
	return (fds);
}
