#include "caresim/io/checkpoint_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include "caresim/core/archive.hpp"

namespace caresim {

template <>
struct Fields<TableColumn> {
  static constexpr auto list = std::tuple{
      field("name", &TableColumn::name),
      field("units", &TableColumn::units),
      field("description", &TableColumn::description),
      field("integers", &TableColumn::integers),
      field("reals", &TableColumn::reals),
  };
};

template <>
struct Fields<Table> {
  static constexpr auto list = std::tuple{
      field("group", &Table::group),
      field("dimension", &Table::dimension),
      field("description", &Table::description),
      field("columns", &Table::columns),
  };
};

}  // namespace caresim

namespace caresim::io {
namespace {

constexpr std::string_view kMagic = "caresim checkpoint\n";
constexpr std::uint32_t kFormat = 2;  // 2: GpRequest::crisis_day (December 2026)

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// The one list of a checkpoint's fields, for writing and reading alike.
void visit(StateArchive& a, Checkpoint& c) {
  a("caresim_version", c.caresim_version);
  a("scenario_yaml", c.scenario_yaml);
  a("scenario_file", c.scenario_file);
  a("day", c.day);
  a("checkpoint_every", c.checkpoint_every);
  a("row_width", c.row_width);
  a("rows", c.rows);
  a("tables", c.tables);
  a("state", c.state);
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("checkpoint " + path.string() + ": " + what);
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  StateArchive archive = StateArchive::writer();
  visit(archive, const_cast<Checkpoint&>(checkpoint));  // a writer only reads it
  const std::string payload = archive.take_bytes();
  const std::uint64_t hash = fnv1a(payload);

  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, std::strerror(errno));
  try {
    write_all(fd, kMagic, tmp);
    write_all(fd, std::string_view(reinterpret_cast<const char*>(&kFormat), sizeof kFormat), tmp);
    write_all(fd, payload, tmp);
    write_all(fd, std::string_view(reinterpret_cast<const char*>(&hash), sizeof hash), tmp);
    if (::fsync(fd) != 0) fail(tmp, std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail(tmp, std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::unlink(tmp.c_str());
    fail(path, error);
  }
  // The rename itself is durable once the directory is synced.
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be opened (no checkpoint was saved there?)");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t head = kMagic.size() + sizeof kFormat;
  if (bytes.size() < head + sizeof(std::uint64_t) || !bytes.starts_with(kMagic)) {
    fail(path, "not a caresim checkpoint");
  }
  std::uint32_t format = 0;
  std::memcpy(&format, bytes.data() + kMagic.size(), sizeof format);
  if (format != kFormat) {
    fail(path, "checkpoint format " + std::to_string(format) + ", this version reads " +
                   std::to_string(kFormat));
  }
  const std::string_view payload(bytes.data() + head, bytes.size() - head - sizeof(std::uint64_t));
  std::uint64_t hash = 0;
  std::memcpy(&hash, bytes.data() + bytes.size() - sizeof hash, sizeof hash);
  if (hash != fnv1a(payload)) fail(path, "corrupt (its hash does not match its contents)");
  Checkpoint checkpoint;
  try {
    StateArchive archive = StateArchive::reader(payload);
    visit(archive, checkpoint);
    archive.expect_end();
  } catch (const std::runtime_error& e) {
    fail(path, e.what());
  }
  if (checkpoint.day < 0 || checkpoint.row_width == 0 ||
      checkpoint.rows.size() != static_cast<std::size_t>(checkpoint.day) * checkpoint.row_width) {
    fail(path, "its output rows do not match its day");
  }
  return checkpoint;
}

std::uintmax_t checkpoint_size(const std::filesystem::path& path) {
  std::error_code ignored;
  const std::uintmax_t size = std::filesystem::file_size(path, ignored);
  return size == static_cast<std::uintmax_t>(-1) ? 0 : size;
}

}  // namespace caresim::io
