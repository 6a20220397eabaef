//===- Attributes.cpp - Reading operator attributes from the artifact -----===//

#include "iron/runtime/Kernel.h"

#include "iron_generated.h"

#include <cstring>

namespace iron::rt {

const fb::Attribute *Attributes::find(const char *name) const {
  if (!op_ || !op_->attributes())
    return nullptr;
  // Attributes are sorted by name (a FlatBuffers key): binary search.
  return op_->attributes()->LookupByKey(name);
}

int64_t Attributes::getInt(const char *name, int64_t dflt) const {
  const fb::Attribute *a = find(name);
  return a && a->kind() == fb::AttributeKind::int_ ? a->i() : dflt;
}

float Attributes::getFloat(const char *name, float dflt) const {
  const fb::Attribute *a = find(name);
  return a && a->kind() == fb::AttributeKind::float_ ? a->f() : dflt;
}

const char *Attributes::getString(const char *name, const char *dflt,
                                  size_t *length) const {
  const fb::Attribute *a = find(name);
  if (!a || a->kind() != fb::AttributeKind::string_ || !a->s()) {
    if (length)
      *length = dflt ? std::strlen(dflt) : 0;
    return dflt;
  }
  if (length)
    *length = a->s()->size();
  return a->s()->c_str();
}

int Attributes::getInts(const char *name, const int64_t **values) const {
  const fb::Attribute *a = find(name);
  if (!a || a->kind() != fb::AttributeKind::ints || !a->int_list()) {
    *values = nullptr;
    return 0;
  }
  *values = a->int_list()->data();
  return int(a->int_list()->size());
}

int Attributes::getFloats(const char *name, const float **values) const {
  const fb::Attribute *a = find(name);
  if (!a || a->kind() != fb::AttributeKind::floats || !a->float_list()) {
    *values = nullptr;
    return 0;
  }
  *values = a->float_list()->data();
  return int(a->float_list()->size());
}

int Attributes::getStrings(const char *name, const char **out, int max) const {
  const fb::Attribute *a = find(name);
  if (!a || a->kind() != fb::AttributeKind::strings || !a->string_list())
    return 0;
  int n = int(a->string_list()->size());
  for (int i = 0; i < n && i < max; ++i)
    out[i] = a->string_list()->Get(i)->c_str();
  return n;
}

int Attributes::getTensorIndex(const char *name) const {
  const fb::Attribute *a = find(name);
  return a && a->kind() == fb::AttributeKind::tensor ? a->tensor() : -1;
}

} // namespace iron::rt
