// The CommonMark reference parser (libcmark-dev on Debian, `brew install cmark` on macOS).
#include <cmark.h>
