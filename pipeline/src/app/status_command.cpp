// `ecomon status` and `ecomon forget`: the workspace's catalog, read (status) or told to leave a
// scene out (forget). Neither reads imagery; status takes no lock (the catalog is in WAL mode, so it
// reads while a run writes).
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/commands.hpp"
#include "base/errors.hpp"
#include "base/output_folder.hpp"
#include "catalog/workspace_catalog.hpp"

namespace ecomon {

namespace {

// A run with no end: still running when its process lives on this host, else killed.
std::string run_state(const CatalogRun& r) {
  if (r.finished) return r.summary.exit_status == 0 ? "ok" : r.summary.exit_status == 3 ? "partial" : "failed";
  return ::kill(pid_t(r.pid), 0) == 0 ? "running" : "did not finish (killed?)";
}

// What a scene status means, for the reader of `ecomon status`.
const char* status_meaning(const std::string& status) {
  if (status == "done") return "processed, its year's results stored";
  if (status == "pending") return "seen, not yet done";
  if (status == "quarantined") return "could not be used (the reason below); tried again when it changes";
  if (status == "duplicate") return "the same product as another path, processed once";
  if (status == "forgotten") return "left out by `ecomon forget` (`--restore` takes it back)";
  if (status == "gone")
    return "not in the last run's input (moved, deleted, or that run read another --input); a year's figures change when it is "
           "processed without them (revisions.csv)";
  return "";
}

nlohmann::ordered_json revisions_json(const std::vector<Revision>& revisions) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const Revision& r : revisions)
    a.push_back({{"report", r.source}, {"unit_code", r.unit_code}, {"unit_name", r.unit_name}, {"year", r.year}, {"indicator", r.indicator},
                 {"previous_value", r.previous}, {"new_value", r.value}, {"previous_run", r.previous_run}, {"reason", r.reason}});
  return a;
}

}  // namespace

int status_command(const StatusOptions& o, std::ostream& out) {
  const WorkspaceCatalog catalog(o.output_dir, WorkspaceCatalog::Open::read_only);  // a reader may not write the workspace
  const std::vector<CatalogScene> scenes = catalog.scenes();
  const std::vector<CatalogRun> runs = catalog.last_runs(5);
  std::map<std::string, int> by_status;
  for (const auto& s : scenes) ++by_status[s.status];
  const bool last_ok = !runs.empty() && runs.front().finished && runs.front().summary.exit_status == 0;
  if (o.json) {
    nlohmann::ordered_json j;
    j["catalog"] = catalog.path();
    j["scenes"] = by_status;
    j["years_done"] = catalog.task_count();
    // (filled apart and added whole: an ordered_json's members move when another is added)
    nlohmann::ordered_json problems = nlohmann::ordered_json::array(), pending = nlohmann::ordered_json::array(),
                           last = nlohmann::ordered_json::array();
    for (const auto& s : scenes) {
      if (s.status == "quarantined" || s.status == "duplicate" || s.status == "forgotten")
        problems.push_back({{"path", s.path}, {"scene_id", s.scene_id}, {"status", s.status}, {"reason", s.reason}});
      if (s.status == "pending") pending.push_back({{"path", s.path}, {"scene_id", s.scene_id}, {"date", s.date}});
    }
    j["problem_scenes"] = problems;
    j["pending_scenes"] = pending;
    for (const auto& r : runs)
      last.push_back({{"id", r.id},
                      {"started", r.started},
                      {"ended", r.finished ? nlohmann::json(r.ended) : nlohmann::json(nullptr)},
                      {"state", run_state(r)},
                      {"exit_status", r.finished ? nlohmann::json(r.summary.exit_status) : nlohmann::json(nullptr)},
                      {"host", r.host},
                      {"pid", r.pid},
                      {"version", r.version},
                      {"command", r.command},
                      {"scenes_found", r.summary.scenes_found},
                      {"scenes_processed", r.summary.scenes_processed},
                      {"scenes_unchanged", r.summary.scenes_unchanged},
                      {"scenes_quarantined", r.summary.scenes_quarantined},
                      {"years_processed", r.summary.years_processed},
                      {"years_unchanged", r.summary.years_unchanged},
                      {"megapixels", r.summary.megapixels},
                      {"seconds", r.summary.seconds},
                      {"message", r.summary.message}});
    j["runs"] = last;
    j["last_run_revisions"] = revisions_json(runs.empty() ? std::vector<Revision>{} : catalog.revisions_of_run(runs.front().id));
    out << j.dump(2) << "\n";
    return last_ok ? 0 : 3;
  }
  out << catalog.path() << "\n\nscenes:";
  for (const auto& [status, n] : by_status) out << "  " << status << " " << n;
  out << "\n";
  for (const auto& [status, n] : by_status)
    if (*status_meaning(status)) out << "  (" << status << ": " << status_meaning(status) << ")\n";
  out << "years done: " << catalog.task_count() << "\n";
  bool header = false;
  for (const auto& s : scenes)
    if (s.status == "quarantined" || s.status == "duplicate" || s.status == "forgotten") {
      if (!header) out << "\nscenes not used:\n";
      header = true;
      out << "  " << s.status << "  " << (s.scene_id.empty() ? "-" : s.scene_id) << "  " << s.path << "\n      " << s.reason << "\n";
    }
  header = false;
  for (const auto& s : scenes)
    if (s.status == "pending") {
      if (!header) out << "\npending (seen, not yet done):\n";
      header = true;
      out << "  " << s.scene_id << "  " << s.date << "  " << s.path << "\n";
    }
  out << "\nlast runs:\n";
  for (const auto& r : runs) {
    out << "  #" << r.id << "  " << r.started << "  " << run_state(r);
    if (r.finished)
      out << " (exit " << r.summary.exit_status << ")  " << r.summary.scenes_processed << " scenes processed, " << r.summary.scenes_unchanged
          << " unchanged, " << r.summary.scenes_quarantined << " quarantined; " << r.summary.years_processed << " years processed, "
          << r.summary.years_unchanged << " unchanged; " << static_cast<long long>(r.summary.seconds + 0.5) << " s";
    out << "  [" << r.host << " pid " << r.pid << ", ecomon " << r.version << "]\n";
    if (!r.summary.message.empty()) out << "      " << r.summary.message << "\n";
  }
  if (!runs.empty()) {
    const std::vector<Revision> revisions = catalog.revisions_of_run(runs.front().id);
    out << "\nrevisions by the last run: " << (revisions.empty() ? "none" : std::to_string(revisions.size()) + " published figure(s) changed")
        << "\n";
    for (std::size_t k = 0; k < revisions.size() && k < 20; ++k) {
      const Revision& r = revisions[k];
      out << "  " << r.unit_code << " " << r.unit_name << " " << r.year << " " << r.indicator << ": " << r.previous << " -> " << r.value
          << " (" << r.reason << ")\n";
    }
    if (revisions.size() > 20) out << "  ... (all in revisions.csv)\n";
  }
  return last_ok ? 0 : 3;
}

int forget_command(const ForgetOptions& o, std::ostream& out) {
  const OutputFolder folder(o.output_dir);  // no run may be using the catalog's tasks meanwhile
  WorkspaceCatalog catalog(o.output_dir, false);
  if (!catalog.forget_scene(o.scene_id, o.restore))
    throw ConfigError(o.scene_id + ": not a scene of " + catalog.path() + " (`ecomon status " + o.output_dir + "` lists them)");
  out << o.scene_id << (o.restore ? ": taken back" : ": forgotten") << "; its year is derived again at the next `ecomon run`\n";
  return 0;
}

}  // namespace ecomon
