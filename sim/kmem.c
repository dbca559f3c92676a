/*	xcallsim: sim/kmem.c, the host memory behind the kernel's malloc */

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
 * The kernel's memory (xcs_mem_alloc and xcs_mem_free, hypercalls of
 * kern_malloc.c).  Every block is kept on one list, so that the
 * machine's shutdown frees what the kernel never did: the earlier
 * xcall glue establishes a softintr per CPU and never disestablishes
 * it.  Only process context allocates or frees (kern_malloc.c sees to
 * that), so the list's lock is never taken in a signal handler.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <urcu/list.h>

#include "xcshyper.h"

struct xcs_kmem {
	struct cds_list_head	 km_all;
	/* The kernel's block follows, aligned as malloc's would be. */
	max_align_t		 km_align[];
};

static CDS_LIST_HEAD(xcs_kmem_all);
static pthread_mutex_t xcs_kmem_lock = PTHREAD_MUTEX_INITIALIZER;

void *
xcs_mem_alloc(size_t size, int zero)
{
	struct xcs_kmem *km;

	if (size > SIZE_MAX - sizeof(*km))
		return (NULL);
	km = zero ? calloc(1, sizeof(*km) + size) : malloc(sizeof(*km) + size);
	if (km == NULL)
		return (NULL);
	pthread_mutex_lock(&xcs_kmem_lock);
	cds_list_add(&km->km_all, &xcs_kmem_all);
	pthread_mutex_unlock(&xcs_kmem_lock);
	return (km->km_align);
}

void
xcs_mem_free(void *p)
{
	struct xcs_kmem *km = (struct xcs_kmem *)((char *)p -
	    offsetof(struct xcs_kmem, km_align));

	pthread_mutex_lock(&xcs_kmem_lock);
	cds_list_del(&km->km_all);
	pthread_mutex_unlock(&xcs_kmem_lock);
	free(km);
}

/* Shutdown, with no CPU running: whatever the kernel still holds. */
void
xcs_mem_free_all(void)
{
	struct xcs_kmem *km, *next;

	pthread_mutex_lock(&xcs_kmem_lock);
	cds_list_for_each_entry_safe(km, next, &xcs_kmem_all, km_all) {
		cds_list_del(&km->km_all);
		free(km);
	}
	pthread_mutex_unlock(&xcs_kmem_lock);
}
