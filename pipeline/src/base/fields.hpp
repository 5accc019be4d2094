#pragma once
// Field lists of plain result types: each type that a catalog stores names every member once, with
// what storing does with it, in `static constexpr auto fields()` beside its declaration. The
// serialiser iterates the list, so that no file holds a hand copy of a type's members, and
// every_member_listed<T>() (checked at compile time where the type is stored) fails when a member
// is added to the type but not to its list: the one who adds it must say whether it is stored.
//
// The member count of an aggregate is found the way Boost.PFR finds it: the most initialisers
// `T{...}` accepts, each an object convertible to any type.
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ecomon {

/// What storing a result does with a member.
enum class Storage {
  value,    // stored and read back as it is
  path,     // a file path: stored relative to the workspace when inside it (a copied workspace reads its own files)
  derived,  // not stored: made again on load from the stored members (a fit from its matches), or
            // needed only while the run that made it runs (its work files); the list says which
};

template <typename Owner, typename Member, Storage How>
struct StoredField {
  const char* name;
  Member Owner::*member;
  static constexpr Storage storage = How;
};

/// field<How>("name", &Type::member)
template <Storage How = Storage::value, typename Owner, typename Member>
constexpr StoredField<Owner, Member, How> field(const char* name, Member Owner::*member) {
  return {name, member};
}

namespace detail {

struct AnyInitialiser {
  template <typename T>
  operator T&() const&& noexcept;  // declared only: used in unevaluated contexts
};

// Fewer initialisers than members is the point of the probe, not a slip: clang's warning is off here.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wmissing-field-initializers"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
template <typename T, std::size_t... I>
constexpr auto accepts(std::index_sequence<I...>) -> decltype(T{(void(I), AnyInitialiser{})...}, true) {
  return true;
}
template <typename T>
constexpr bool accepts(...) {
  return false;
}
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

template <typename T, std::size_t N = 0>
constexpr std::size_t member_count() {
  if constexpr (N < 64 && accepts<T>(std::make_index_sequence<N + 1>{}))
    return member_count<T, N + 1>();
  else
    return N;
}

}  // namespace detail

/// Whether T::fields() lists as many members as T has (T an aggregate without C arrays or bases).
template <typename T>
constexpr bool every_member_listed() {
  return std::tuple_size_v<decltype(T::fields())> == detail::member_count<T>();
}

}  // namespace ecomon
