#include "compare.h"

int main(int argc, char **argv)
{
	return cmp_main(argc, argv);
}
