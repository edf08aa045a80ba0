// The public headers compile as C++ and link with C linkage.
#include <assocmem/assocmem.h>
#include <cstdio>
#include <string>

int main()
{
    std::string version = amem_version_string();
    if (version.empty() || amem_strerror(AMEM_E_NULL) == nullptr)
        return 1;
    std::printf("C++: libassocmem %s\n", version.c_str());
    return 0;
}
