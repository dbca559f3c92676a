/*	xcallsim: bench/xcall_ab.c, two MI files' benchmarks	*/

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
 * A/B: run the benchmark built with MI file A and the one built with MI
 * file B in turns (A B B A A B ...: drift in the host's speed falls on
 * both), several rounds, and for each row compare B's median of the
 * runs' p50 latencies with A's: the ratio and a 95% confidence interval
 * by bootstrap over the runs (resampling each side's runs), as Go's
 * benchstat compares samples.  A row is slower or faster only if the
 * whole interval lies beyond XCALL_AB_SAME (10%) of 1: two builds of the
 * same code differ by code layout and by the host, and that is not a
 * difference in the MI file.  "xcalls per IPI" and "per dispatch" are
 * properties of the MI protocol and are compared the same way.
 *
 * The floors (pingpong, signal round trips, membarrier) are measured in
 * every run: if they differ between the first and the last rounds, or
 * membarrier reads below a signal round trip (no IPI was sent), the host
 * was busy and the comparison is marked unreliable.
 */

#include <sys/utsname.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XCALL_AB_SAME	1.10	/* a ratio within this of 1 is noise */
#define XCALL_AB_BOOT	2000	/* bootstrap resamples */
#define MAXROWS		64
#define MAXRUNS		64
#define LINE		1024

/* One row of the benchmark, and what each run of A and B measured. */
struct row {
	char		 rw_key[64];	/* "mode idle ncpus" */
	char		 rw_metric[24];	/* p50_ns, xcalls_per_s... */
	int		 rw_floor;	/* a host floor, not an xcall */
	double		 rw_v[2][MAXRUNS];
	unsigned int	 rw_n[2];
};

static struct row rows[MAXROWS];
static unsigned int nrows;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static void __attribute__((__noreturn__))
usage(int status)
{
	fprintf(stderr, "usage: xcall_ab [-h] [-a label] [-b label] "
	    "[-o file.json] [-r rounds]\n"
	    "                [-x bench-args] bench-A bench-B\n");
	exit(status);
}

/* The number after "key": in a JSON line, or -1. */
static double
json_number(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(line, pat)) == NULL)
		return (-1);
	return (strtod(p + strlen(pat), NULL));
}

/* The string after "key": in a JSON line, into buf. */
static int
json_string(const char *line, const char *key, char *buf, size_t size)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if ((p = strstr(line, pat)) == NULL)
		return (0);
	p += strlen(pat);
	if ((q = strchr(p, '"')) == NULL || (size_t)(q - p) >= size)
		return (0);
	memcpy(buf, p, q - p);
	buf[q - p] = '\0';
	return (1);
}

static struct row *
row_get(const char *key, const char *metric, int floor)
{
	unsigned int i;

	for (i = 0; i < nrows; i++)
		if (strcmp(rows[i].rw_key, key) == 0 &&
		    strcmp(rows[i].rw_metric, metric) == 0)
			return (&rows[i]);
	if (nrows == MAXROWS)
		errx(1, "more than %d rows", MAXROWS);
	snprintf(rows[nrows].rw_key, sizeof(rows[nrows].rw_key), "%s", key);
	snprintf(rows[nrows].rw_metric, sizeof(rows[nrows].rw_metric), "%s",
	    metric);
	rows[nrows].rw_floor = floor;
	return (&rows[nrows++]);
}

static void
row_add(const char *key, const char *metric, int floor, int side, double v)
{
	struct row *r = row_get(key, metric, floor);

	if (v < 0 || r->rw_n[side] == MAXRUNS)
		return;
	r->rw_v[side][r->rw_n[side]++] = v;
}

/* One line of the benchmark's JSON output, from side 0 (A) or 1 (B). */
static void
take_line(const char *line, int side)
{
	char mode[32], idle[16], key[64];
	double ncpus;
	int floor;

	if (!json_string(line, "mode", mode, sizeof(mode)) ||
	    !json_string(line, "idle", idle, sizeof(idle)))
		return;
	ncpus = json_number(line, "ncpus");
	snprintf(key, sizeof(key), "%s %s %.0f", mode, idle, ncpus);
	floor = strcmp(idle, "-") == 0;
	if (strncmp(mode, "throughput", 10) == 0) {
		row_add(key, "xcalls_per_s", 0, side,
		    json_number(line, "xcalls_per_s"));
		row_add(key, "xcalls_per_ipi", 0, side,
		    json_number(line, "xcalls_per_ipi"));
		row_add(key, "xcalls_per_dispatch", 0, side,
		    json_number(line, "xcalls_per_dispatch"));
	} else
		row_add(key, "p50_ns", floor, side,
		    json_number(line, "p50_ns"));
}

/* Run bench with args once, taking its rows for side. */
static void
run_bench(const char *bench, const char *args, int side)
{
	char cmd[2048], line[LINE];
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' %s", bench, args);
	if ((p = popen(cmd, "r")) == NULL)
		err(1, "%s", cmd);
	while (fgets(line, sizeof(line), p) != NULL)
		take_line(line, side);
	if ((status = pclose(p)) != 0)
		errx(1, "%s: exit status %d", cmd, status);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
median(const double *v, unsigned int n)
{
	double s[MAXRUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return (n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2);
}

/* xorshift64*, seeded the same every time: the interval is repeatable. */
static unsigned int
rnd(unsigned int bound)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((rng * 0x2545f4914f6cdd1dULL) >> 33) % bound;
}

static double
resampled_median(const double *v, unsigned int n)
{
	double s[MAXRUNS];
	unsigned int i;

	for (i = 0; i < n; i++)
		s[i] = v[rnd(n)];
	return (median(s, n));
}

/* B's median over A's, and its 95% bootstrap interval. */
static void
ratio_ci(const struct row *r, double *ratio, double *lo, double *hi)
{
	static double boot[XCALL_AB_BOOT];
	double a, b;
	unsigned int i;

	*ratio = median(r->rw_v[1], r->rw_n[1]) /
	    median(r->rw_v[0], r->rw_n[0]);
	for (i = 0; i < XCALL_AB_BOOT; i++) {
		a = resampled_median(r->rw_v[0], r->rw_n[0]);
		b = resampled_median(r->rw_v[1], r->rw_n[1]);
		boot[i] = a > 0 ? b / a : 0;
	}
	qsort(boot, XCALL_AB_BOOT, sizeof(*boot), cmp_double);
	*lo = boot[XCALL_AB_BOOT * 25 / 1000];
	*hi = boot[XCALL_AB_BOOT * 975 / 1000];
}

/*
 * What the interval says.  For latencies a ratio above 1 is slower; for
 * rates (xcalls per second) it is faster.  The protocol properties just
 * differ.
 */
static const char *
verdict(const struct row *r, double lo, double hi, char *buf, size_t size)
{
	int rate = strcmp(r->rw_metric, "xcalls_per_s") == 0;
	int latency = strcmp(r->rw_metric, "p50_ns") == 0;

	if (lo > XCALL_AB_SAME)
		snprintf(buf, size, "%s", latency ? "slower" : rate ?
		    "faster" : "higher");
	else if (hi < 1 / XCALL_AB_SAME)
		snprintf(buf, size, "%s", latency ? "faster" : rate ?
		    "slower" : "lower");
	else
		snprintf(buf, size, "no difference detectable at this noise");
	return (buf);
}

/*
 * Whether the host held still: the signal round trips (the floors that
 * move with the host's load; pingpong jumps on its own) of the first
 * and the second half of the rounds agree within a factor of 1.5, and
 * membarrier (an IPI to every core) is no cheaper than half a signal
 * round trip, which it could only be if it sent no IPI at all.
 */
static int
host_reliable(char *why, size_t size)
{
	const struct row *memb = NULL, *sig = NULL;
	double first, last;
	unsigned int i, n;

	why[0] = '\0';
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (!r->rw_floor || (n = r->rw_n[0]) < 4)
			continue;
		if (strncmp(r->rw_key, "membarrier", 10) == 0)
			memb = r;
		if (strncmp(r->rw_key, "sig-", 4) != 0)
			continue;
		if (strncmp(r->rw_key, "sig-spin", 8) == 0)
			sig = r;
		first = median(r->rw_v[0], n / 2);
		last = median(r->rw_v[0] + n / 2, n - n / 2);
		if (first > 0 && last > 0 &&
		    (last / first > 1.5 || first / last > 1.5)) {
			snprintf(why, size, "floor %.20s moved from %.0f to "
			    "%.0f ns between the first and the second half of "
			    "the rounds: the host's load changed", r->rw_key,
			    first, last);
			return (0);
		}
	}
	if (memb != NULL && sig != NULL &&
	    median(memb->rw_v[0], memb->rw_n[0]) <
	    median(sig->rw_v[0], sig->rw_n[0]) / 2) {
		snprintf(why, size, "the membarrier floor reads below half a "
		    "signal round trip: it sent no IPI, the host was busy");
		return (0);
	}
	return (1);
}

static void
print_json_header(FILE *f, const char *la, const char *lb,
    const char *ba, const char *bb, const char *args, unsigned int rounds,
    int reliable, const char *why, double load0, double load1)
{
	struct utsname u;

	uname(&u);
	fprintf(f, "{\"a\":{\"label\":\"%s\",\"bench\":\"%s\"},"
	    "\"b\":{\"label\":\"%s\",\"bench\":\"%s\"},\"args\":\"%s\","
	    "\"rounds\":%u,\"host\":\"%s %s %s\",\"cores\":%ld,"
	    "\"load_before\":%.2f,\"load_after\":%.2f,\"reliable\":%s,"
	    "\"unreliable_because\":", la, ba, lb, bb, args, rounds,
	    u.sysname, u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN),
	    load0, load1, reliable ? "true" : "false");
	if (why[0] != '\0')
		fprintf(f, "\"%s\",", why);
	else
		fprintf(f, "null,");
	fprintf(f, "\"rows\":[");
}

static double
loadavg(void)
{
	double l[1];

	return (getloadavg(l, 1) == 1 ? l[0] : -1);
}

int
main(int argc, char *argv[])
{
	const char *args = "-j -B -n 2,8 -i 2000 -t 200", *la = "A", *lb = "B";
	const char *out = NULL;
	unsigned int rounds = 8, i, k, shown = 0;
	double ratio, lo, hi, load0, load1;
	char why[256], word[64];
	FILE *f = NULL;
	int ch, reliable;

	while ((ch = getopt(argc, argv, "a:b:ho:r:x:")) != -1) {
		switch (ch) {
		case 'a':
			la = optarg;
			break;
		case 'b':
			lb = optarg;
			break;
		case 'h':
			usage(0);
		case 'o':
			out = optarg;
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			if (rounds < 3 || rounds > MAXRUNS)
				errx(1, "-r %s: want 3 to %d rounds", optarg,
				    MAXRUNS);
			break;
		case 'x':
			args = optarg;
			break;
		default:
			usage(1);
		}
	}
	if (argc - optind != 2)
		usage(1);
	if (out != NULL && (f = fopen(out, "w")) == NULL)
		err(1, "%s", out);

	load0 = loadavg();
	for (k = 0; k < rounds; k++) {
		/* A B, then B A: a drift in the host's speed hits both. */
		run_bench(argv[optind + (k % 2)], args, k % 2);
		run_bench(argv[optind + 1 - (k % 2)], args, 1 - (k % 2));
		fprintf(stderr, "xcall_ab: round %u of %u\n", k + 1, rounds);
	}
	load1 = loadavg();
	reliable = host_reliable(why, sizeof(why));

	printf("%-26s %-20s %9s %9s  %s\n", "row", "metric", "A", "B",
	    "B/A, 95% CI, verdict");
	if (f != NULL)
		print_json_header(f, la, lb, argv[optind], argv[optind + 1],
		    args, rounds, reliable, why, load0, load1);
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (r->rw_floor || r->rw_n[0] < 2 || r->rw_n[1] < 2)
			continue;
		ratio_ci(r, &ratio, &lo, &hi);
		verdict(r, lo, hi, word, sizeof(word));
		printf("%-26s %-20s %9.2f %9.2f  %.2fx (%.2f-%.2f) %s\n",
		    r->rw_key, r->rw_metric, median(r->rw_v[0], r->rw_n[0]),
		    median(r->rw_v[1], r->rw_n[1]), ratio, lo, hi, word);
		if (f != NULL)
			fprintf(f, "%s{\"row\":\"%s\",\"metric\":\"%s\","
			    "\"a_median\":%.3f,\"b_median\":%.3f,"
			    "\"ratio\":%.4f,\"ci95\":[%.4f,%.4f],"
			    "\"verdict\":\"%s\"}", shown++ ? "," : "",
			    r->rw_key, r->rw_metric,
			    median(r->rw_v[0], r->rw_n[0]),
			    median(r->rw_v[1], r->rw_n[1]), ratio, lo, hi,
			    word);
	}
	if (f != NULL) {
		fprintf(f, "]}\n");
		if (fclose(f) != 0)
			err(1, "%s", out);
	}
	printf("A: %s (%s)\nB: %s (%s)\n%u rounds, A and B in turns; a row "
	    "differs only if its interval lies beyond %.0f%% of 1\n", la,
	    argv[optind], lb, argv[optind + 1], rounds,
	    (XCALL_AB_SAME - 1) * 100);
	if (!reliable)
		printf("UNRELIABLE: %s\n", why);
	return (0);
}
