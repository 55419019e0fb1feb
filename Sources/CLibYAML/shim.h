#ifndef TRIAGE_CLIBYAML_SHIM_H
#define TRIAGE_CLIBYAML_SHIM_H

#include <yaml.h>

#endif
