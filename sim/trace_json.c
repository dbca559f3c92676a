/*	xcallsim: sim/trace_json.c, the trace as Chrome trace JSON	*/

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
 * The trace's export: every event still in the rings, sorted by time,
 * written as Chrome's JSON trace format (ui.perfetto.dev, Chromium's
 * DevTools and speedscope open it): a timeline per CPU with slices for
 * interrupts, dispatch passes, sleeps, halts and jobs, instants for the
 * rest, and a flow arrow from each post to the dispatch that took it.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcs_machine.h"
#include "trace.h"

/* Order copied events by time, then CPU, then ring index. */
static int
xcs_trace_cmp(const void *a, const void *b)
{
	const struct xcs_trace_copy *x = a, *y = b;

	if (x->tc_ns != y->tc_ns)
		return (x->tc_ns < y->tc_ns ? -1 : 1);
	if (x->tc_cpu != y->tc_cpu)
		return (x->tc_cpu < y->tc_cpu ? -1 : 1);
	return (x->tc_index < y->tc_index ? -1 : x->tc_index > y->tc_index);
}

/* Every event still in the rings, sorted; NULL with errno on failure. */
static struct xcs_trace_copy *
xcs_trace_collect(size_t *np)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_trace_copy *all;
	uint64_t lo, hi, idx;
	size_t n = 0;
	unsigned int c;

	all = calloc((size_t)xm->xm_ncpus * (xm->xm_trace_mask + 1),
	    sizeof(*all));
	if (all == NULL)
		return (NULL);
	/* Each ring's bounds just before it is copied: it moves on. */
	for (c = 0; c < xm->xm_ncpus; c++) {
		xcs_trace_bounds(c, &lo, &hi);
		for (idx = lo; idx < hi; idx++) {
			if (xcs_trace_copy(c, idx, &all[n]))
				n++;
		}
	}
	qsort(all, n, sizeof(*all), xcs_trace_cmp);
	*np = n;
	return (all);
}

/* Chrome's JSON trace format wants names as JSON strings. */
static void
xcs_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A function's name after prefix, into buf. */
static void
xcs_prefixed_fn(char *buf, size_t size, const char *prefix, uint64_t fn)
{
	char addr[32];

	snprintf(buf, size, "%s%s", prefix,
	    xcs_fn_name((void *)(uintptr_t)fn, addr, sizeof(addr)));
}

/* The state of one CPU's timeline while exporting. */
struct xcs_json_cpu {
	int		jc_kind[XCS_TRACE_DEPTH];	/* open slices */
	uint64_t	jc_ptr[XCS_TRACE_DEPTH];
	char		jc_name[XCS_TRACE_DEPTH][80];
	int		jc_depth;
};

struct xcs_json {
	FILE			*j_f;
	struct xcs_json_cpu	*j_cpus;
	uint64_t		*j_flow;	/* per target slot: post id */
	uint64_t		 j_nflows;
	int			 j_first;
};

static void
xcs_json_head(struct xcs_json *j, const char *ph, const char *cat,
    const struct xcs_trace_copy *tc)
{
	fprintf(j->j_f, "%s\n{\"ph\":\"%s\",\"cat\":\"%s\",\"pid\":1,"
	    "\"tid\":%u,\"ts\":%.3f", j->j_first ? "" : ",", ph, cat,
	    tc->tc_cpu, (double)tc->tc_ns / 1000.0);
	j->j_first = 0;
}

/* End the innermost open slice; DevTools wants its name on the end. */
static void
xcs_json_end_slice(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];

	xcs_json_head(j, "E", "xcall", tc);
	fprintf(j->j_f, ",\"name\":");
	xcs_json_str(j->j_f, jc->jc_depth <= XCS_TRACE_DEPTH ?
	    jc->jc_name[jc->jc_depth - 1] : "");
	fprintf(j->j_f, "}");
	jc->jc_depth--;
}

/* Open a slice named by a string, or by a function if fn is set. */
static void
xcs_json_begin(struct xcs_json *j, const struct xcs_trace_copy *tc,
    int kind, const char *name, const char *fnprefix)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];
	char buf[sizeof(jc->jc_name[0])];

	if (fnprefix != NULL) {
		xcs_prefixed_fn(buf, sizeof(buf), fnprefix, tc->tc_ptr);
		name = buf;
	}
	xcs_json_head(j, "B", "xcall", tc);
	fprintf(j->j_f, ",\"name\":");
	xcs_json_str(j->j_f, name);
	fprintf(j->j_f, ",\"args\":{\"IPL\":\"%s\"",
	    xcs_ipl_name(TE_IPL(tc->tc_info)));
	if (kind == XCS_TR_TAKE)
		fprintf(j->j_f, ",\"arg\":\"%#jx\",\"slot\":%d",
		    (uintmax_t)tc->tc_arg, TE_SUB(tc->tc_info));
	fprintf(j->j_f, "}}");
	if (jc->jc_depth < XCS_TRACE_DEPTH) {
		jc->jc_kind[jc->jc_depth] = kind;
		jc->jc_ptr[jc->jc_depth] = tc->tc_ptr;
		snprintf(jc->jc_name[jc->jc_depth], sizeof(jc->jc_name[0]),
		    "%s", name);
	}
	jc->jc_depth++;
}

/*
 * Close the innermost open slice of this kind, and any slice opened
 * inside it since (an xcall function's slice ends when its dispatch
 * pass does).  An end whose beginning fell out of the ring is dropped.
 */
static void
xcs_json_close(struct xcs_json *j, const struct xcs_trace_copy *tc,
    int kind)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];
	int d;

	for (d = (jc->jc_depth < XCS_TRACE_DEPTH ? jc->jc_depth :
	    XCS_TRACE_DEPTH) - 1; d >= 0; d--) {
		if (jc->jc_kind[d] == kind && (kind != XCS_TR_INTR_B ||
		    jc->jc_ptr[d] == tc->tc_ptr))
			break;
	}
	if (d < 0)
		return;
	while (jc->jc_depth > d)
		xcs_json_end_slice(j, tc);
}

/* The slice of the xcall function taken before this one ends now. */
static void
xcs_json_take(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	struct xcs_json_cpu *jc = &j->j_cpus[tc->tc_cpu];
	uint64_t *flow;
	int slot = TE_SUB(tc->tc_info);

	if (jc->jc_depth > 0 && jc->jc_depth <= XCS_TRACE_DEPTH &&
	    jc->jc_kind[jc->jc_depth - 1] == XCS_TR_TAKE)
		xcs_json_end_slice(j, tc);
	xcs_json_begin(j, tc, XCS_TR_TAKE, NULL, "");
	flow = &j->j_flow[tc->tc_cpu * 4 + (slot & 3)];
	if (*flow != 0) {
		xcs_json_head(j, "f", "xcall", tc);
		fprintf(j->j_f, ",\"bp\":\"e\",\"name\":\"xcall\","
		    "\"id\":%ju}", (uintmax_t)*flow);
		*flow = 0;
	}
}

static void
xcs_json_post(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	int other = TE_OTHER(tc->tc_info), slot = TE_SUB(tc->tc_info);
	char prefix[64], name[128];

	snprintf(prefix, sizeof(prefix), "post to cpu%d slot %d: ", other,
	    slot);
	xcs_prefixed_fn(name, sizeof(name), prefix, tc->tc_ptr);
	xcs_json_head(j, "X", "xcall", tc);
	fprintf(j->j_f, ",\"dur\":0,\"name\":");
	xcs_json_str(j->j_f, name);
	fprintf(j->j_f, ",\"args\":{\"arg\":\"%#jx\",\"IPL\":\"%s\"}}",
	    (uintmax_t)tc->tc_arg, xcs_ipl_name(TE_IPL(tc->tc_info)));
	if (other < 0 || (unsigned int)other >= xcs_machine.xm_ncpus)
		return;
	j->j_flow[other * 4 + (slot & 3)] = ++j->j_nflows;
	xcs_json_head(j, "s", "xcall", tc);
	fprintf(j->j_f, ",\"name\":\"xcall\",\"id\":%ju}",
	    (uintmax_t)j->j_nflows);
}

static void
xcs_json_instant(struct xcs_json *j, const struct xcs_trace_copy *tc,
    const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	xcs_json_head(j, "i", "xcall", tc);
	fprintf(j->j_f, ",\"s\":\"t\",\"name\":");
	xcs_json_str(j->j_f, name);
	fprintf(j->j_f, "}");
}

static void
xcs_json_event(struct xcs_json *j, const struct xcs_trace_copy *tc)
{
	uint64_t info = tc->tc_info;
	int kind = TE_KIND(info), other = TE_OTHER(info), sub = TE_SUB(info);
	char wm[9], name[32];

	switch (kind) {
	case XCS_TR_POST:
		xcs_json_post(j, tc);
		break;
	case XCS_TR_TAKE:
		xcs_json_take(j, tc);
		break;
	case XCS_TR_FULL:
		xcs_json_instant(j, tc, "cpu%d's slots full: spin", other);
		break;
	case XCS_TR_IPI:
		xcs_json_instant(j, tc, "IPI to cpu%d: %s", other,
		    sub < (int)XCS_NITEMS(xcs_ipi_outcomes) ?
		    xcs_ipi_outcomes[sub] : "?");
		break;
	case XCS_TR_DEFER:
		xcs_json_instant(j, tc, "IPI deferred at %s",
		    xcs_ipl_name(TE_IPL(info)));
		break;
	case XCS_TR_WAKEUP:
		xcs_json_instant(j, tc, "wakeup cpu%d", other);
		break;
	case XCS_TR_PANIC:
		xcs_json_instant(j, tc, "panic");
		break;
	case XCS_TR_SPL:
		xcs_json_head(j, "C", "ipl", tc);
		fprintf(j->j_f, ",\"name\":\"cpu%u IPL\",\"args\":"
		    "{\"IPL\":%d}}", tc->tc_cpu, TE_IPL(info));
		break;
	case XCS_TR_INTR_B:
		xcs_json_begin(j, tc, kind,
		    (const char *)(uintptr_t)tc->tc_ptr, NULL);
		break;
	case XCS_TR_DISP_B:
		xcs_json_begin(j, tc, kind, "cpu_xcall_dispatch", NULL);
		break;
	case XCS_TR_SLEEP_B:
		snprintf(name, sizeof(name), "sleep \"%s\"",
		    xcs_trace_wmesg_str(tc->tc_arg, wm));
		xcs_json_begin(j, tc, kind, name, NULL);
		break;
	case XCS_TR_HALT_B:
		xcs_json_begin(j, tc, kind, "halted", NULL);
		break;
	case XCS_TR_JOB_B:
		xcs_json_begin(j, tc, kind, NULL, "process: ");
		break;
	case XCS_TR_INTR_E:
	case XCS_TR_DISP_E:
	case XCS_TR_SLEEP_E:
	case XCS_TR_HALT_E:
	case XCS_TR_JOB_E:
		/* Each end kind follows its beginning's. */
		xcs_json_close(j, tc, kind - 1);
		break;
	}
}

static void
xcs_json_meta(struct xcs_json *j)
{
	unsigned int n;

	fprintf(j->j_f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
	    "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\","
	    "\"args\":{\"name\":\"xcallsim: %u CPUs\"}}",
	    xcs_machine.xm_ncpus);
	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		fprintf(j->j_f, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
		    "\"name\":\"thread_name\",\"args\":{\"name\":\"cpu%u\"}}",
		    n, n);
		fprintf(j->j_f, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
		    "\"name\":\"thread_sort_index\","
		    "\"args\":{\"sort_index\":%u}}", n, n);
	}
	j->j_first = 0;
}

static int
xcs_trace_write(FILE *f, const struct xcs_trace_copy *all, size_t n)
{
	struct xcs_json j;
	size_t i;

	memset(&j, 0, sizeof(j));
	j.j_f = f;
	j.j_cpus = calloc(xcs_machine.xm_ncpus, sizeof(*j.j_cpus));
	j.j_flow = calloc(xcs_machine.xm_ncpus * 4, sizeof(*j.j_flow));
	if (j.j_cpus == NULL || j.j_flow == NULL) {
		free(j.j_cpus);
		free(j.j_flow);
		return (ENOMEM);
	}
	xcs_json_meta(&j);
	for (i = 0; i < n; i++)
		xcs_json_event(&j, &all[i]);
	fprintf(f, "\n]}\n");
	free(j.j_cpus);
	free(j.j_flow);
	return (0);
}

int
xcs_trace_export(const char *path)
{
	struct xcs_trace_copy *all;
	size_t n;
	FILE *f;
	int error;

	if ((error = xcs_trace_readable("xcs_trace_export")) != 0)
		return (error);
	if (path == NULL) {
		xcs_seterr("xcs_trace_export: NULL path");
		return (EINVAL);
	}
	if ((all = xcs_trace_collect(&n)) == NULL) {
		xcs_seterr("xcs_trace_export: no memory to copy the trace");
		return (ENOMEM);
	}
	if ((f = fopen(path, "w")) == NULL) {
		error = errno;
		xcs_seterr("xcs_trace_export: %s: %s", path, strerror(error));
		free(all);
		return (error);
	}
	error = xcs_trace_write(f, all, n);
	free(all);
	if (ferror(f) && error == 0)
		error = EIO;
	if (fclose(f) != 0 && error == 0)
		error = errno;
	if (error != 0)
		xcs_seterr("xcs_trace_export: %s: %s", path, strerror(error));
	return (error);
}

/* At shutdown, or before a panic aborts: the file the config named. */
void
xcs_trace_final(void)
{
	const char *path = xcs_machine.xm_config.xc_trace_file;

	if (path == NULL || xcs_machine.xm_trace_mask == 0)
		return;
	if (xcs_trace_export(path) != 0)
		fprintf(stderr, "xcallsim: %s\n", xcs_errstr());
	else
		fprintf(stderr, "xcallsim: trace written to %s; open it in "
		    "ui.perfetto.dev or chrome://tracing\n", path);
}
