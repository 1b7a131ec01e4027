/* A tiny document model (headings, paragraphs, tables, figures) rendered to
 * both Markdown and single-file HTML, so the two reports never disagree. */
#ifndef VTB_DOC_MODEL_H
#define VTB_DOC_MODEL_H
#include <stdio.h>

enum block_kind { BLOCK_HEADING, BLOCK_PARA, BLOCK_TABLE, BLOCK_FIGURE, BLOCK_CODE };

#define DOC_MAX_COLS 8

struct rep_block {
	enum block_kind kind;
	int level;              /* heading level */
	char *text;             /* heading, paragraph, code, figure caption */
	char *path;             /* figure: image base path without extension */
	char *rel;              /* figure: the same, relative to the report */
	int cols, rows;         /* table */
	char **cells;           /* rows * cols, row 0 is the header */
};

struct rep_doc {
	struct rep_block *blocks;
	int len, cap;
	char *title;
};

void rep_doc_init(struct rep_doc *d, const char *title);
void rep_doc_heading(struct rep_doc *d, int level, const char *fmt, ...);
void rep_doc_para(struct rep_doc *d, const char *fmt, ...);
void rep_doc_code(struct rep_doc *d, const char *text);
/* Begins a table with the given header cells; add rows with rep_doc_row. */
void rep_doc_table(struct rep_doc *d, int cols, const char *const *header);
void rep_doc_row(struct rep_doc *d, const char *const *cells);
/* base: image path without extension; .png is linked from Markdown, .svg is
 * inlined in HTML (read from disk; skipped with a note if missing). */
void rep_doc_figure(struct rep_doc *d, const char *base, const char *rel_base, const char *caption);
void rep_doc_free(struct rep_doc *d);

int rep_doc_write_markdown(const struct rep_doc *d, FILE *f);
int rep_doc_write_html(const struct rep_doc *d, FILE *f);

#endif
