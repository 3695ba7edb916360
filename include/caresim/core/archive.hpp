#pragma once
// A model's complete state as bytes, for exact checkpoint/restart (io/checkpoint_file.hpp).
//
// One function per model state visits every member once, in a fixed order, as
// `archive("name", member)`; the same function writes (saving) or reads (restoring), so what is
// saved and what is restored cannot drift apart. Plain aggregates of the state list their
// members in a `Fields<T>` specialisation, and a static_assert compares that list with the
// number of members the aggregate has: a member added to the struct but not to its list is a
// compile error, not a silently forgotten field.
//
// Encoding (native byte order, for restarting on the same kind of machine): each visited field
// is its name, its payload length in bytes and the payload; a reader checks every name and
// length, so a checkpoint of another version of a model is refused with the first field that
// differs. Trivially copyable values (numbers, enums, std::array of them, structs of them) are
// their bytes; vectors are a count then their elements; strings a count then their bytes.

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace caresim {

/// The members of a plain aggregate `T`, in declaration order, as a tuple of `field(name,
/// &T::member)`. Specialise for each aggregate of a model's state that is not trivially copyable.
template <class T>
struct Fields;

template <class T, class M>
struct FieldRef {
  const char* name;
  M T::*member;
};
/// One entry of a Fields<T>::list.
template <class T, class M>
constexpr FieldRef<T, M> field(const char* name, M T::*member) {
  return {name, member};
}

namespace detail {

// Converts to anything, so that `T{AnyMember{}...}` is well formed exactly when T is an
// aggregate with at least that many members (brace elision aside: use std::array, not C arrays,
// in state structs).
struct AnyMember {
  template <class U>
  operator U() const;
};

template <class T, std::size_t... I>
constexpr bool constructible_from_n(std::index_sequence<I...>) {
  return requires {
    T{(static_cast<void>(I), AnyMember{})...};
  };
}

template <class T, std::size_t N>
constexpr std::size_t count_members() {
  if constexpr (N == 0) {
    return 0;
  } else if constexpr (constructible_from_n<T>(std::make_index_sequence<N>{})) {
    return N;
  } else {
    return count_members<T, N - 1>();
  }
}

template <class T>
concept HasFields = requires {
  Fields<T>::list;
};

template <class T>
struct IsVector : std::false_type {};
template <class U, class A>
struct IsVector<std::vector<U, A>> : std::true_type {};

template <class T>
struct IsArray : std::false_type {};
template <class U, std::size_t N>
struct IsArray<std::array<U, N>> : std::true_type {};

}  // namespace detail

/// Members of the aggregate T (up to 160).
template <class T>
constexpr std::size_t aggregate_member_count() {
  static_assert(std::is_aggregate_v<T>, "aggregate_member_count: not an aggregate");
  return detail::count_members<T, 160>();
}

/// Whether Fields<T>::list names as many members as T has.
template <class T>
constexpr bool fields_complete() {
  return std::tuple_size_v<std::decay_t<decltype(Fields<T>::list)>> == aggregate_member_count<T>();
}

/// Writes or reads a state, one named field at a time (see the file comment). Not thread-safe.
class StateArchive {
 public:
  /// An archive that records what it visits.
  static StateArchive writer() { return StateArchive(); }
  /// An archive that restores what it visits from `bytes` (as written by a writer's visit of the
  /// same kind of state). The bytes must outlive the archive.
  static StateArchive reader(std::string_view bytes) { return StateArchive(bytes); }

  bool loading() const { return loading_; }

  /// Saves or restores `value` under `name`. Throws std::runtime_error when reading a field of
  /// another name or size (a checkpoint of another model or version) or past the end.
  template <class T>
  void operator()(std::string_view name, T& value) {
    if (!loading_) {
      put_raw(static_cast<std::uint32_t>(name.size()));
      out_.append(name);
      const std::size_t length_at = out_.size();
      put_raw(std::uint64_t{0});
      const std::size_t start = out_.size();
      put(value);
      const std::uint64_t length = out_.size() - start;
      std::memcpy(out_.data() + length_at, &length, sizeof length);
      return;
    }
    const auto name_size = get_raw<std::uint32_t>();
    const std::string_view found = take(name_size);
    if (found != name) {
      throw std::runtime_error("checkpoint: expected the field '" + std::string(name) +
                               "', found '" + std::string(found) +
                               "' (a checkpoint of another model or version)");
    }
    const auto length = get_raw<std::uint64_t>();
    const std::size_t start = at_;
    get(value);
    if (at_ - start != length) {
      throw std::runtime_error("checkpoint: the field '" + std::string(name) +
                               "' has another size than this version's (" + std::to_string(length) +
                               " bytes stored)");
    }
  }

  /// The bytes written so far (writer).
  const std::string& bytes() const { return out_; }
  std::string take_bytes() { return std::move(out_); }
  /// Throws std::runtime_error unless a reader used every byte (nothing was left unread).
  void expect_end() const {
    if (loading_ && at_ != in_.size()) {
      throw std::runtime_error("checkpoint: " + std::to_string(in_.size() - at_) +
                               " bytes left unread (a checkpoint of another version)");
    }
  }

 private:
  StateArchive() = default;
  explicit StateArchive(std::string_view bytes) : loading_(true), in_(bytes) {}

  template <class T>
  void put_raw(const T& v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  T get_raw() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }
  std::string_view take(std::size_t n) {
    if (n > in_.size() - at_) throw std::runtime_error("checkpoint: truncated");
    const std::string_view part = in_.substr(at_, n);
    at_ += n;
    return part;
  }

  template <class T>
  void put(const T& value) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      put_raw(value);
    } else if constexpr (std::is_same_v<T, std::string>) {
      put_raw(static_cast<std::uint64_t>(value.size()));
      out_.append(value);
    } else if constexpr (detail::IsVector<T>::value) {
      using E = typename T::value_type;
      put_raw(static_cast<std::uint64_t>(value.size()));
      if constexpr (std::is_trivially_copyable_v<E>) {
        out_.append(reinterpret_cast<const char*>(value.data()), value.size() * sizeof(E));
      } else {
        for (const E& e : value)
          put(e);
      }
    } else if constexpr (detail::IsArray<T>::value) {
      for (const auto& e : value)
        put(e);
    } else if constexpr (detail::HasFields<T>) {
      static_assert(fields_complete<T>(),
                    "Fields<T>::list does not name every member of T: add the new member to it "
                    "(every member of a model's state is saved in a checkpoint)");
      std::apply([&](const auto&... f) { (put(value.*(f.member)), ...); }, Fields<T>::list);
    } else if constexpr (requires(T & t, StateArchive & a) { t.visit_state(a); }) {
      // A class with private members lists them itself (TieNetwork::visit_state).
      const_cast<T&>(value).visit_state(*this);
    } else {
      static_assert(sizeof(T) == 0, "StateArchive: no encoding for this type; give it Fields<T>");
    }
  }

  template <class T>
  void get(T& value) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      value = get_raw<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      value = std::string(take(checked_count(get_raw<std::uint64_t>(), 1)));
    } else if constexpr (detail::IsVector<T>::value) {
      using E = typename T::value_type;
      const std::size_t n = checked_count(get_raw<std::uint64_t>(), 1);
      if constexpr (std::is_trivially_copyable_v<E>) {
        const std::string_view block = take(checked_count(n, sizeof(E)) * sizeof(E));
        value.resize(n);
        if (n > 0) std::memcpy(value.data(), block.data(), block.size());
      } else {
        value.clear();
        value.resize(n);
        for (E& e : value)
          get(e);
      }
    } else if constexpr (detail::IsArray<T>::value) {
      for (auto& e : value)
        get(e);
    } else if constexpr (detail::HasFields<T>) {
      static_assert(fields_complete<T>(),
                    "Fields<T>::list does not name every member of T: add the new member to it");
      std::apply([&](const auto&... f) { (get(value.*(f.member)), ...); }, Fields<T>::list);
    } else if constexpr (requires(T & t, StateArchive & a) { t.visit_state(a); }) {
      value.visit_state(*this);
    } else {
      static_assert(sizeof(T) == 0, "StateArchive: no encoding for this type; give it Fields<T>");
    }
  }

  // A count read from the file, refused if its elements cannot all be in what is left (so a
  // corrupt count never asks for terabytes).
  std::size_t checked_count(std::uint64_t n, std::size_t element_bytes) const {
    if (n > (in_.size() - at_) / (element_bytes == 0 ? 1 : element_bytes)) {
      throw std::runtime_error("checkpoint: truncated or corrupt (a count past the end)");
    }
    return static_cast<std::size_t>(n);
  }

  bool loading_ = false;
  std::string out_;
  std::string_view in_;
  std::size_t at_ = 0;
};

}  // namespace caresim
