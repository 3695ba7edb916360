// caresim studio: the live browser view (tools/studio/). HTTP wiring only; sessions, the gallery,
// sliders and which files may be served are caresim/studio/studio.hpp.
#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "caresim/studio/classroom.hpp"
#include "caresim/studio/studio.hpp"
#include "caresim/studio/whatif.hpp"
#include "command.hpp"

namespace caresim::cli {
namespace {

struct StudioArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string scenarios;
  std::string assets;
  std::size_t max_runs = 8;
};

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(studio::error_json(message), "application/json");
}

std::string content_type(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".yaml") return "text/yaml; charset=utf-8";
  if (ext == ".json") return "application/json";
  return "application/octet-stream";
}

void send_file(httplib::Response& res, const std::filesystem::path& root, const std::string& rel) {
  const auto file = studio::file_under(root, rel);
  if (!file) {
    send_error(res, 404, "no file '" + rel + "' here");
    return;
  }
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  res.set_content(body.str(), content_type(*file).c_str());
}

/// Runs a handler, turning a StudioError into its status and anything else into a 500.
template <class Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const studio::StudioError& e) {
      send_error(res, e.status(), e.what());
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what());
    }
  };
}

int execute(const StudioArgs& a) {
  const auto here = executable_dir();
  const std::filesystem::path assets =
      a.assets.empty() ? here / "studio" : std::filesystem::path(a.assets);
  std::filesystem::path scenarios = a.scenarios;
  if (scenarios.empty()) {
    for (const auto& candidate : {here / "scenarios", here.parent_path() / "scenarios"}) {
      if (std::filesystem::is_directory(candidate / "teaching")) {
        scenarios = candidate;
        break;
      }
    }
  }
  if (scenarios.empty() || !std::filesystem::is_directory(scenarios / "teaching")) {
    fmt::print(stderr,
               "caresim: error: no scenarios folder with teaching/ found; give --scenarios\n");
    return kExitUsage;
  }
  if (!std::filesystem::is_regular_file(assets / "index.html")) {
    fmt::print(stderr,
               "caresim: error: the studio page is not built ({} has no index.html); run "
               "tools/build.sh with node and npm installed\n",
               assets.string());
    return kExitUsage;
  }

  studio::Studio hub(scenarios, {a.max_runs, 40});
  // Comparisons work in a folder of this process's own, removed as each one ends.
  std::error_code ec;
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path(ec) /
      fmt::format("caresim-studio-{}", static_cast<long>(getpid()));
  studio::WhatIf whatif(scenarios, scratch, {});
  studio::Classes classes(scenarios, {});
  httplib::Server server;
  // cpp-httplib serves each connection on one worker of this pool for as long as it is open: an
  // event stream holds its worker until the tab closes, and a keep-alive connection holds one
  // until it idles out (keep_alive_timeout). The pool is sized for the runs' 40 streams, the
  // classes' 64 and a keep-alive connection beside each class stream (a class of 30 holds about
  // 60 workers), with room for other requests.
  server.new_task_queue = [] { return new httplib::ThreadPool(200); };
  server.set_keep_alive_timeout(2);
  server.set_payload_max_length(64 * 1024);

  server.Get("/api/gallery", guarded([&](const httplib::Request&, httplib::Response& res) {
               res.set_content(hub.gallery_json(), "application/json");
             }));
  server.Get(R"(/scenarios/(.*))",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               send_file(res, scenarios, req.matches[1]);
             }));
  server.Post("/api/runs", guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.status = 201;
                res.set_content(hub.create(req.body), "application/json");
              }));
  server.Get(R"(/api/runs/([A-Za-z0-9]+))",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               res.set_content(hub.find(req.matches[1])->description_json(), "application/json");
             }));
  server.Delete(R"(/api/runs/([A-Za-z0-9]+))",
                guarded([&](const httplib::Request& req, httplib::Response& res) {
                  hub.remove(req.matches[1]);
                  res.set_content(R"({"cancelled":true})", "application/json");
                }));
  server.Post(R"(/api/runs/([A-Za-z0-9]+)/live)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                hub.set_live(req.matches[1], req.body);
                res.set_content(R"({"ok":true})", "application/json");
              }));
  server.Get(R"(/api/runs/([A-Za-z0-9]+)/derrida)",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               res.set_content(hub.find(req.matches[1])->derrida_json(), "application/json");
             }));
  server.Post(R"(/api/runs/([A-Za-z0-9]+)/control)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                hub.control(req.matches[1], req.body);
                res.set_content(R"({"ok":true})", "application/json");
              }));
  server.Get(R"(/api/runs/([A-Za-z0-9]+)/events)",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               auto session = hub.find(req.matches[1]);
               if (!hub.open_stream()) {
                 send_error(res, 503, "too many open streams; close a tab");
                 return;
               }
               struct Cursor {
                 std::size_t seen = 0;
                 std::uint64_t generation = 0;
               };
               auto cursor = std::make_shared<Cursor>();
               res.set_header("Cache-Control", "no-cache");
               res.set_chunked_content_provider(
                   "text/event-stream",
                   [session, cursor](std::size_t, httplib::DataSink& sink) {
                     auto frame = session->next_frame(&cursor->seen, &cursor->generation,
                                                      std::chrono::milliseconds(1000));
                     if (!frame) {
                       const std::string end = "event: end\ndata: {}\n\n";
                       sink.write(end.data(), end.size());
                       sink.done();
                       return true;
                     }
                     // An empty frame is a heartbeat comment: it finds closed connections.
                     const std::string text =
                         frame->empty() ? std::string(": alive\n\n") : "data: " + *frame + "\n\n";
                     return sink.write(text.data(), text.size());
                   },
                   [&hub](bool) { hub.close_stream(); });
             }));
  // The leaders' what-if view: paired comparisons with progress and cancel.
  server.Get("/api/whatif", guarded([&](const httplib::Request&, httplib::Response& res) {
               res.set_content(whatif.options_json(), "application/json");
             }));
  server.Post("/api/comparisons", guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.status = 201;
                res.set_content(whatif.start(req.body), "application/json");
              }));
  server.Get(R"(/api/comparisons/([A-Za-z0-9]+))",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               res.set_content(whatif.status(req.matches[1]), "application/json");
             }));
  server.Delete(R"(/api/comparisons/([A-Za-z0-9]+))",
                guarded([&](const httplib::Request& req, httplib::Response& res) {
                  whatif.cancel(req.matches[1]);
                  res.set_content(R"({"cancelled":true})", "application/json");
                }));
  // A class plays the system (studio/classroom.hpp).
  server.Post("/api/classes", guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.status = 201;
                res.set_content(classes.create(req.body), "application/json");
              }));
  server.Get(R"(/api/classes/([A-Za-z0-9]+))",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               res.set_content(classes.find(req.matches[1])->description_json(),
                               "application/json");
             }));
  server.Delete(R"(/api/classes/([A-Za-z0-9]+))",
                guarded([&](const httplib::Request& req, httplib::Response& res) {
                  classes.end(req.matches[1], req.body);
                  res.set_content(R"({"ended":true})", "application/json");
                }));
  server.Post(R"(/api/classes/([A-Za-z0-9]+)/players)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.status = 201;
                res.set_content(classes.find(req.matches[1])->join(req.body), "application/json");
              }));
  server.Post(R"(/api/classes/([A-Za-z0-9]+)/rejoin)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.set_content(classes.find(req.matches[1])->rejoin(req.body), "application/json");
              }));
  server.Post(R"(/api/classes/([A-Za-z0-9]+)/pace)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.set_content(classes.find(req.matches[1])->pace(req.body), "application/json");
              }));
  server.Post(R"(/api/classes/([A-Za-z0-9]+)/choices)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.set_content(classes.find(req.matches[1])->choose(req.body),
                                "application/json");
              }));
  server.Post(R"(/api/classes/([A-Za-z0-9]+)/advance)",
              guarded([&](const httplib::Request& req, httplib::Response& res) {
                res.set_content(classes.find(req.matches[1])->advance(req.body),
                                "application/json");
              }));
  server.Get(R"(/api/classes/([A-Za-z0-9]+)/debrief)",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               res.set_content(classes.find(req.matches[1])->debrief_json(), "application/json");
             }));
  server.Get(R"(/api/classes/([A-Za-z0-9]+)/events)",
             guarded([&](const httplib::Request& req, httplib::Response& res) {
               auto session = classes.find(req.matches[1]);
               if (!classes.open_stream()) {
                 send_error(res, 503, "too many open class streams");
                 return;
               }
               auto cursor = std::make_shared<studio::ClassSession::Cursor>();
               res.set_header("Cache-Control", "no-cache");
               res.set_chunked_content_provider(
                   "text/event-stream",
                   [session, cursor](std::size_t, httplib::DataSink& sink) {
                     auto event = session->next_event(*cursor, std::chrono::milliseconds(1000));
                     if (!event) {
                       const std::string end = "event: end\ndata: {}\n\n";
                       sink.write(end.data(), end.size());
                       sink.done();
                       return true;
                     }
                     const std::string text =
                         event->empty() ? std::string(": alive\n\n") : "data: " + *event + "\n\n";
                     return sink.write(text.data(), text.size());
                   },
                   [&classes](bool) { classes.close_stream(); });
             }));
  server.Get(R"(/api/.*)", [](const httplib::Request& req, httplib::Response& res) {
    send_error(res, 404, "no API endpoint " + req.path);
  });
  server.Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string rel = req.matches[1];
    send_file(res, assets, rel.empty() ? "index.html" : rel);
  });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) {
      res.set_content(studio::error_json("HTTP " + std::to_string(res.status) + " for " +
                                         req.method + " " + req.path),
                      "application/json");
    }
  });

  // --port 0 takes any free port (the tests do); the address printed is the real one.
  const int port = a.port == 0 ? server.bind_to_any_port(a.host.c_str())
                               : (server.bind_to_port(a.host.c_str(), a.port) ? a.port : -1);
  if (port <= 0) {
    fmt::print(stderr, "caresim: error: cannot listen on {}:{} (in use? try --port)\n", a.host,
               a.port);
    return kExitFailure;
  }
  fmt::print("caresim studio: open http://{}:{}/ in a browser (Ctrl-C stops)\n", a.host, port);
  std::fflush(stdout);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      if (stop_signal() != 0) {
        hub.shutdown();
        classes.shutdown();
        server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  server.listen_after_bind();
  done = true;
  hub.shutdown();
  classes.shutdown();
  whatif.shutdown();
  watcher.join();
  std::filesystem::remove_all(scratch, ec);
  return stop_signal() != 0 ? 128 + stop_signal() : kExitOk;
}

}  // namespace

void add_studio_command(CLI::App& root, std::vector<Command>& commands) {
  auto args = std::make_shared<StudioArgs>();
  CLI::App* app = root.add_subcommand(
      "studio", "Serve the live browser view of the teaching models (and care presets)");
  app->add_option("--port", args->port, "TCP port (0: any free port)")->check(CLI::Range(0, 65535));
  app->add_option("--host", args->host,
                  "address to listen on (127.0.0.1: this machine only; 0.0.0.0 opens it to the "
                  "network)");
  app->add_option("--scenarios", args->scenarios,
                  "scenarios folder with teaching/ (default: next to the binary, or its parent's)");
  app->add_option("--assets", args->assets, "built page (default: studio/ next to the binary)");
  app->add_option("--max-runs", args->max_runs, "runs held at once")->check(CLI::Range(1, 64));
  commands.push_back({app, [args] {
                        stop_on_signals();
                        return execute(*args);
                      }});
}

}  // namespace caresim::cli
