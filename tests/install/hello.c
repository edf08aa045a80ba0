/* Links against an installed libassocmem through pkg-config. */
#include <assocmem/assocmem.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (strcmp(amem_version_string(), "0.0.0") == 0 || amem_version_number() != AMEM_VERSION_NUMBER)
        return 1;
    if (amem_set_num_threads(0) != AMEM_E_RANGE)
        return 1;
    printf("C: libassocmem %s: %s\n", amem_version_string(), amem_last_error());
    return 0;
}
