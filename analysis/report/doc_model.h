/* A tiny document model (headings, paragraphs, tables, figures) rendered to
 * both Markdown and single-file HTML, so the two reports never disagree. */
#ifndef VTB_DOC_MODEL_H
#define VTB_DOC_MODEL_H
#include <stdio.h>

enum block_kind { BLOCK_HEADING, BLOCK_PARA, BLOCK_TABLE, BLOCK_FIGURE, BLOCK_CODE };

#define DOC_MAX_COLS 8

struct block {
	enum block_kind kind;
	int level;              /* heading level */
	char *text;             /* heading, paragraph, code, figure caption */
	char *path;             /* figure: image base path without extension */
	char *rel;              /* figure: the same, relative to the report */
	int cols, rows;         /* table */
	char **cells;           /* rows * cols, row 0 is the header */
};

struct doc {
	struct block *blocks;
	int len, cap;
	char *title;
};

void doc_init(struct doc *d, const char *title);
void doc_heading(struct doc *d, int level, const char *fmt, ...);
void doc_para(struct doc *d, const char *fmt, ...);
void doc_code(struct doc *d, const char *text);
/* Begins a table with the given header cells; add rows with doc_row. */
void doc_table(struct doc *d, int cols, const char *const *header);
void doc_row(struct doc *d, const char *const *cells);
/* base: image path without extension; .png is linked from Markdown, .svg is
 * inlined in HTML (read from disk; skipped with a note if missing). */
void doc_figure(struct doc *d, const char *base, const char *rel_base, const char *caption);
void doc_free(struct doc *d);

int doc_write_markdown(const struct doc *d, FILE *f);
int doc_write_html(const struct doc *d, FILE *f);

#endif
