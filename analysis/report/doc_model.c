#define _POSIX_C_SOURCE 200809L
#include "doc_model.h"
#include "vtb/str.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fputs("vtb-report: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = vtb_vstrf(fmt, ap);
	if (!s) {
		fputs("vtb-report: out of memory\n", stderr);
		exit(1);
	}
	return s;
}

static struct rep_block *add(struct rep_doc *d, enum block_kind k)
{
	if (d->len == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->blocks = realloc(d->blocks, (size_t)d->cap * sizeof(*d->blocks));
		if (!d->blocks) {
			fputs("vtb-report: out of memory\n", stderr);
			exit(1);
		}
	}
	struct rep_block *b = &d->blocks[d->len++];
	memset(b, 0, sizeof(*b));
	b->kind = k;
	return b;
}

void rep_doc_init(struct rep_doc *d, const char *title)
{
	memset(d, 0, sizeof(*d));
	d->title = xstrdup(title);
}

void rep_doc_heading(struct rep_doc *d, int level, const char *fmt, ...)
{
	struct rep_block *b = add(d, BLOCK_HEADING);
	va_list ap;
	va_start(ap, fmt);
	b->text = vformat(fmt, ap);
	va_end(ap);
	b->level = level;
}

void rep_doc_para(struct rep_doc *d, const char *fmt, ...)
{
	struct rep_block *b = add(d, BLOCK_PARA);
	va_list ap;
	va_start(ap, fmt);
	b->text = vformat(fmt, ap);
	va_end(ap);
}

void rep_doc_code(struct rep_doc *d, const char *text)
{
	add(d, BLOCK_CODE)->text = xstrdup(text);
}

void rep_doc_table(struct rep_doc *d, int cols, const char *const *header)
{
	struct rep_block *b = add(d, BLOCK_TABLE);
	b->cols = cols < DOC_MAX_COLS ? cols : DOC_MAX_COLS;
	rep_doc_row(d, header);
}

void rep_doc_row(struct rep_doc *d, const char *const *cells)
{
	struct rep_block *b = &d->blocks[d->len - 1];
	b->cells = realloc(b->cells, (size_t)(b->rows + 1) * (size_t)b->cols * sizeof(char *));
	if (!b->cells) {
		fputs("vtb-report: out of memory\n", stderr);
		exit(1);
	}
	for (int c = 0; c < b->cols; c++)
		b->cells[b->rows * b->cols + c] = xstrdup(cells[c] ? cells[c] : "");
	b->rows++;
}

void rep_doc_figure(struct rep_doc *d, const char *base, const char *rel_base, const char *caption)
{
	struct rep_block *b = add(d, BLOCK_FIGURE);
	b->path = xstrdup(base);
	b->rel = xstrdup(rel_base);
	b->text = xstrdup(caption);
}

void rep_doc_free(struct rep_doc *d)
{
	for (int i = 0; i < d->len; i++) {
		struct rep_block *b = &d->blocks[i];
		free(b->text);
		free(b->path);
		free(b->rel);
		for (int c = 0; c < b->rows * b->cols; c++)
			free(b->cells[c]);
		free(b->cells);
	}
	free(d->blocks);
	free(d->title);
}

int rep_doc_write_markdown(const struct rep_doc *d, FILE *f)
{
	fprintf(f, "# %s\n\n", d->title);
	for (int i = 0; i < d->len; i++) {
		const struct rep_block *b = &d->blocks[i];
		switch (b->kind) {
		case BLOCK_HEADING:
			fprintf(f, "%.*s %s\n\n", b->level + 1, "######", b->text);
			break;
		case BLOCK_PARA:
			fprintf(f, "%s\n\n", b->text);
			break;
		case BLOCK_CODE:
			fprintf(f, "```\n%s\n```\n\n", b->text);
			break;
		case BLOCK_FIGURE:
			fprintf(f, "![%s](%s.png)\n\n*%s*\n\n", b->text, b->rel, b->text);
			break;
		case BLOCK_TABLE:
			for (int r = 0; r < b->rows; r++) {
				fputc('|', f);
				for (int c = 0; c < b->cols; c++)
					fprintf(f, " %s |", b->cells[r * b->cols + c]);
				fputc('\n', f);
				if (r == 0) {
					fputc('|', f);
					for (int c = 0; c < b->cols; c++)
						fputs(c ? "---:|" : "---|", f);
					fputc('\n', f);
				}
			}
			fputc('\n', f);
			break;
		}
	}
	return ferror(f) ? -1 : 0;
}

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Inline SVG keeps the report one self-contained file; the XML prolog and
 * doctype must go, the <svg> element itself is valid HTML5. */
static int inline_svg(FILE *f, const char *base)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s.svg", base);
	FILE *in = fopen(path, "r");
	if (!in)
		return -1;
	char buf[8192];
	int started = 0;
	size_t n;
	while (!started && fgets(buf, sizeof(buf), in)) {
		char *svg = strstr(buf, "<svg");
		if (svg) {
			fputs(svg, f);
			started = 1;
		}
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, f);
	fclose(in);
	return started ? 0 : -1;
}

int rep_doc_write_html(const struct rep_doc *d, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
	html_text(f, d->title);
	fputs("</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\n"
	      "table{border-collapse:collapse;margin:1em 0}\n"
	      "td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}\n"
	      "td:first-child,th:first-child{text-align:left}\n"
	      "th{background:#eee}\nfigure{margin:1.5em 0}\nfigure svg{max-width:100%;height:auto}\n"
	      "pre{background:#f6f6f6;padding:.6em;overflow-x:auto}\n"
	      "</style></head><body>\n<h1>", f);
	html_text(f, d->title);
	fputs("</h1>\n", f);
	for (int i = 0; i < d->len; i++) {
		const struct rep_block *b = &d->blocks[i];
		switch (b->kind) {
		case BLOCK_HEADING:
			fprintf(f, "<h%d>", b->level + 1);
			html_text(f, b->text);
			fprintf(f, "</h%d>\n", b->level + 1);
			break;
		case BLOCK_PARA:
			fputs("<p>", f);
			html_text(f, b->text);
			fputs("</p>\n", f);
			break;
		case BLOCK_CODE:
			fputs("<pre>", f);
			html_text(f, b->text);
			fputs("</pre>\n", f);
			break;
		case BLOCK_FIGURE:
			fputs("<figure>\n", f);
			if (inline_svg(f, b->path))
				fputs("<p>(plot missing)</p>", f);
			fputs("\n<figcaption>", f);
			html_text(f, b->text);
			fputs("</figcaption></figure>\n", f);
			break;
		case BLOCK_TABLE:
			fputs("<table>\n", f);
			for (int r = 0; r < b->rows; r++) {
				fputs("<tr>", f);
				for (int c = 0; c < b->cols; c++) {
					fputs(r ? "<td>" : "<th>", f);
					html_text(f, b->cells[r * b->cols + c]);
					fputs(r ? "</td>" : "</th>", f);
				}
				fputs("</tr>\n", f);
			}
			fputs("</table>\n", f);
			break;
		}
	}
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
