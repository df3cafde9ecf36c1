# seeds.cmake — the seed corpus of each fuzz harness, collected from the
# inputs the tree already has (nothing is copied into the repository):
#
#   cmake -DSOURCE_DIR=<the repository> -DOUT=<folder> -P seeds.cmake
#
# makes OUT/models, OUT/migration and OUT/ini afresh, one file per input,
# named after its path in the tree.  A harness reads one model file, so the
# model folders whose files use each other's models are also given whole,
# as one file each (their files concatenated in name order).
set(models_globs
  models/*.model
  tests/data/models/*.model
  tests/data/models/*/*.model
  tests/integration/roundtrip/*.model)
set(models_folders
  models
  tests/data/models/good)
set(migration_globs
  alembic/versions/*.py
  tests/data/migrations/*.py
  tests/golden/render/*.py)
set(ini_globs
  alembic.ini
  tests/fuzz/seeds/ini/*.ini)

foreach(h models migration ini)
  file(REMOVE_RECURSE ${OUT}/${h})
  file(MAKE_DIRECTORY ${OUT}/${h})
  set(files)
  foreach(g ${${h}_globs})
    file(GLOB found RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/${g})
    list(APPEND files ${found})
  endforeach()
  list(LENGTH files n)
  if(n EQUAL 0)
    message(FATAL_ERROR "no seed inputs for fuzz_${h} under ${SOURCE_DIR}")
  endif()
  foreach(f ${files})
    string(REPLACE "/" "__" name ${f})
    configure_file(${SOURCE_DIR}/${f} ${OUT}/${h}/${name} COPYONLY)
  endforeach()
endforeach()

foreach(folder ${models_folders})
  file(GLOB parts ${SOURCE_DIR}/${folder}/*.model)
  list(SORT parts)
  set(whole "")
  foreach(part ${parts})
    file(READ ${part} text)
    string(APPEND whole "${text}")
  endforeach()
  string(REPLACE "/" "__" name ${folder})
  file(WRITE ${OUT}/models/${name}__all.model "${whole}")
endforeach()
