# Writes the version header with the git commit of the source tree as it is at build time
# (marked -dirty when it has uncommitted changes). Run at every build by the caresim_version
# target; rewrites the header only when its text changes, so nothing recompiles needlessly.
# Inputs: SOURCE_DIR, TEMPLATE, OUTPUT, VERSION.
execute_process(
  COMMAND git describe --always --dirty --abbrev=12 --match=NeVeRmAtCh
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE CARESIM_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT CARESIM_GIT_COMMIT)
  set(CARESIM_GIT_COMMIT "unknown")
endif()
set(PROJECT_VERSION ${VERSION})
configure_file(${TEMPLATE} ${OUTPUT}.new @ONLY)
file(READ ${OUTPUT}.new new_text)
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old_text)
else()
  set(old_text "")
endif()
if(NOT new_text STREQUAL old_text)
  file(RENAME ${OUTPUT}.new ${OUTPUT})
else()
  file(REMOVE ${OUTPUT}.new)
endif()
