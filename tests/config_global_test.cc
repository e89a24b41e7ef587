// The global scheduler's inputs (#9) in the fleet file and in job tables: every field loads with
// its unit converted (values worked by hand in the comments), and every refusal gives its whole
// message, with file, line and column.

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "config/loader.h"
#include "scratch_dir.h"

namespace headroom {
namespace {

// Three sites: two in region us-east (ohio owned, virginia leased), oslo a tent of its own region;
// one link; a data set; two teams; a cross-site job, a batch job and a job pinned to ohio.
constexpr char kBase[] = R"(horizon: 10 d
sites:
  - name: ohio
    kind: owned
    region: us-east
    uplink: 5 Gbps
    uplink_latency: 1 ms
    economics: {capital: 11 M$/MW, amortisation: 10 y, availability: 99.95%}
    grid: {import_limit: 10 MW}
    power_tree:
      - {rack: K, count: 4, rating: 60 kW, gpus: 64, gpu: H100}
  - name: virginia
    kind: leased
    region: us-east
    economics: {lease: 150 k$/MW-month, lease_per_gpu_hour: 2.5 $/GPU-h, contracted_power: 300 MW}
    grid: {import_limit: 10 MW}
    power_tree:
      - {rack: K, count: 4, rating: 60 kW, gpus: 64, gpu: H100}
  - name: oslo
    kind: tent
    power_tree:
      - {rack: K, count: 2, rating: 60 kW, gpus: 64, gpu: H100}
wan:
  links:
    - {between: [us-east, oslo], capacity: 10 Gbps, latency: 40 ms}
datasets:
  - {name: web, home: ohio, size: 2 PB}
teams:
  - {name: research, quota: {gpus: 400, gpu_hours_per_month: 20 M GPU-h}}
  - {name: prod}
workloads:
  jobs:
    - {name: x, kind: training, gpus: 128, duration: 10 h, sites: [oslo, ohio], team: research,
       dataset: web, preemptible: false,
       checkpoint: {interval: 30 min, save: 6 s, restore: 5 min, size: 900 GB},
       cross_site: {learners: 2, min_learners: 1, params: 70 B, bits: 4, inner_steps: 100,
                    fragments: 4, inner_step_time: 2 s}}
    - {name: b, kind: batch, gpus: 64, duration: 1 h}
    - {name: t, kind: training, gpus: 64, duration: 1 h, site: ohio}
)";

TEST(GlobalConfig, EveryFieldLoadsInSiUnits) {
  absl::StatusOr<model::Fleet> f = config::LoadFleetFromString(kBase, "g.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::Wan& wan = f->wan;
  EXPECT_EQ(wan.regions, (std::vector<std::string>{"us-east", "oslo"}));
  EXPECT_EQ(wan.site_region, (std::vector<int>{0, 0, 1}));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(wan.site_uplink_bps, (std::vector<double>{5e9, inf, inf}));
  EXPECT_EQ(wan.site_uplink_latency,
            (std::vector<Duration>{std::chrono::milliseconds(1), Duration{0}, Duration{0}}));
  ASSERT_EQ(wan.links.size(), 1u);
  EXPECT_EQ(wan.links[0].name, "us-east--oslo");
  EXPECT_EQ(wan.links[0].a, 0);
  EXPECT_EQ(wan.links[0].b, 1);
  EXPECT_EQ(wan.links[0].capacity_bps, 1e10);
  EXPECT_EQ(wan.links[0].latency, std::chrono::milliseconds(40));
  // 11 M$/MW = 11 $/W; 10 y = 3650 d; 150 k$/MW-month = 0.15 $/W a month.
  const model::SiteEconomics& ohio = f->sites[0].economics;
  EXPECT_DOUBLE_EQ(ohio.capital_usd_per_w, 11);
  EXPECT_EQ(ohio.amortisation, std::chrono::hours(3650 * 24));
  EXPECT_DOUBLE_EQ(ohio.availability, 0.9995);
  EXPECT_EQ(ohio.lease_usd_per_w_month, 0);
  const model::SiteEconomics& virginia = f->sites[1].economics;
  EXPECT_DOUBLE_EQ(virginia.lease_usd_per_w_month, 0.15);
  EXPECT_DOUBLE_EQ(virginia.lease_usd_per_gpu_h, 2.5);
  EXPECT_DOUBLE_EQ(virginia.contracted_power_w, 3e8);
  EXPECT_EQ(virginia.capital_usd_per_w, 0);
  EXPECT_EQ(virginia.availability, 0);  // by kind
  ASSERT_EQ(f->datasets.size(), 1u);
  EXPECT_EQ(f->datasets[0].name, "web");
  EXPECT_EQ(f->datasets[0].home_site, 0);
  EXPECT_DOUBLE_EQ(f->datasets[0].size_bytes, 2e15);
  ASSERT_EQ(f->teams.size(), 2u);
  EXPECT_EQ(f->teams[0].max_gpus, 400);
  EXPECT_DOUBLE_EQ(f->teams[0].gpu_hours_per_month, 2e7);
  EXPECT_EQ(f->teams[1].max_gpus, 0);  // no quota: no limit
  EXPECT_EQ(f->teams[1].gpu_hours_per_month, 0);
  ASSERT_EQ(f->jobs.size(), 3u);
  const model::JobSpec& x = f->jobs[0];
  EXPECT_EQ(x.sites, (std::vector<int>{0, 2}));  // ascending, whatever the order written
  EXPECT_EQ(x.team, 0);
  EXPECT_EQ(x.dataset, 0);
  EXPECT_FALSE(x.preemptible);
  EXPECT_DOUBLE_EQ(x.checkpoint_bytes, 9e11);
  ASSERT_TRUE(x.cross_site.has_value());
  EXPECT_EQ(x.cross_site->learners, 2);
  EXPECT_EQ(x.cross_site->min_learners, 1);
  EXPECT_DOUBLE_EQ(x.cross_site->params, 7e10);
  EXPECT_EQ(x.cross_site->bits_per_param, 4);
  EXPECT_EQ(x.cross_site->inner_steps, 100);
  EXPECT_EQ(x.cross_site->fragments, 4);
  EXPECT_EQ(x.cross_site->inner_step_time, std::chrono::seconds(2));
  // Batch work is preemptible by default; its checkpoint 0.5 GB × 64 GPUs = 32 GB.
  const model::JobSpec& b = f->jobs[1];
  EXPECT_TRUE(b.preemptible);
  EXPECT_DOUBLE_EQ(b.checkpoint_bytes, 3.2e10);
  EXPECT_TRUE(b.sites.empty());
  EXPECT_EQ(b.team, -1);
  EXPECT_EQ(b.dataset, -1);
  EXPECT_FALSE(b.cross_site.has_value());
  EXPECT_FALSE(f->jobs[2].preemptible);
  EXPECT_EQ(f->jobs[2].site, 0);
}

TEST(GlobalConfig, DefaultsFollowTheJobAndTheFleet) {
  std::string text = kBase;
  // A cross-site job without checkpoint.size: 14 B × 70e9 parameters = 980 GB; min_learners,
  // bits, inner steps, fragments and the step time default to CrossSiteSpec's.
  text.replace(text.find("restore: 5 min, size: 900 GB"), 28, "restore: 5 min");
  const std::string spec =
      "min_learners: 1, params: 70 B, bits: 4, inner_steps: 100,\n"
      "                    fragments: 4, inner_step_time: 2 s";
  text.replace(text.find(spec), spec.size(), "params: 70 B");
  // Normal-priority training is not preemptible; preemptible-priority training is.
  text.replace(text.find("site: ohio}"), 11, "site: ohio, priority: preemptible}");
  absl::StatusOr<model::Fleet> f = config::LoadFleetFromString(text, "g.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const model::JobSpec& x = f->jobs[0];
  EXPECT_DOUBLE_EQ(x.checkpoint_bytes, 9.8e11);
  ASSERT_TRUE(x.cross_site.has_value());
  const model::CrossSiteSpec defaults;
  EXPECT_EQ(x.cross_site->min_learners, 2);
  EXPECT_EQ(x.cross_site->bits_per_param, defaults.bits_per_param);
  EXPECT_EQ(x.cross_site->inner_steps, defaults.inner_steps);
  EXPECT_EQ(x.cross_site->fragments, defaults.fragments);
  EXPECT_EQ(x.cross_site->inner_step_time, defaults.inner_step_time);
  EXPECT_TRUE(f->jobs[2].preemptible);
  // Without regions, links or economics: a region per site, named after it, unlimited uplinks.
  absl::StatusOr<model::Fleet> plain = config::LoadFleetFromString(R"(sites:
  - name: a
    kind: owned
    power_tree: [{rack: K, rating: 60 kW, gpus: 8, gpu: H100}]
  - name: b
    kind: tent
    power_tree: [{rack: K, rating: 60 kW, gpus: 8, gpu: H100}]
)",
                                                                   "p.yaml");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->wan.regions, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plain->wan.site_region, (std::vector<int>{0, 1}));
  EXPECT_TRUE(plain->wan.links.empty());
  EXPECT_EQ(plain->wan.site_uplink_bps.size(), 2u);
  EXPECT_EQ(plain->sites[0].economics.capital_usd_per_w, 0);
}

struct Case {
  std::string name;
  std::string from;  // text in kBase to replace
  std::string to;
  std::string expected;    // the whole message
  std::string from2 = "";  // and a second replacement, where one is not enough
  std::string to2 = "";
};

const std::vector<Case> kCases = {
    {"region_unknown_in_link", "between: [us-east, oslo]", "between: [us-eats, oslo]",
     "g.yaml:25:18: wan.links[0].between[0]: no region named \"us-eats\" (did you mean \"us-"
     "east\"?); regions (of the sites; a site's region is its name unless it names one): us-"
     "east, oslo"},
    {"link_to_itself", "between: [us-east, oslo]", "between: [oslo, oslo]",
     "g.yaml:25:17: wan.links[0].between: both ends are region \"oslo\"; a link joins two re"
     "gions (the sites of one region reach each other through their uplinks)"},
    {"second_link", "latency: 40 ms}\n",
     "latency: 40 ms}\n    - {between: [oslo, us-east], capacity: 1 Gbps, latency: 30 ms}\n",
     "g.yaml:26:17: wan.links[1].between: a second link between oslo and us-east (the first "
     "is wan.links[0]); give one link with their capacities added and the latency of the pat"
     "h traffic takes"},
    {"link_capacity_unit", "capacity: 10 Gbps", "capacity: 10 GB",
     "g.yaml:25:44: wan.links[0].capacity: unknown unit \"GB\": expected a data rate such as"
     " \"10 Gbps\" (units: bps, kbps, Mbps, Gbps, Tbps, Pbps), got \"10 GB\""},
    {"link_between_missing", "between: [us-east, oslo], ", "",
     "g.yaml:25:7: wan.links[0].between: missing; a link joins two regions, such as between:"
     " [us-east, eu-west]"},
    {"link_latency_missing", ", latency: 40 ms}", "}",
     "g.yaml:25:7: wan.links[0].latency: missing; this field is required"},
    {"uplink_unit", "uplink: 5 Gbps", "uplink: 5",
     "g.yaml:6:13: sites[0].uplink: missing unit: expected a data rate such as \"10 Gbps\" "
     "(units: bps, kbps, Mbps, Gbps, Tbps, Pbps), got \"5\""},
    {"uplink_latency_range", "uplink_latency: 1 ms", "uplink_latency: 1 min",
     "g.yaml:7:21: sites[0].uplink_latency: \"1 min\" is out of range: must be between 0 ms and "
     "10 s"},
    {"lease_on_owned", "amortisation: 10 y,", "amortisation: 10 y, lease: 100 $/kW-month,",
     "g.yaml:8:63: sites[0].economics.lease: only for a leased site (the lease's terms); sit"
     "e ohio is owned: its capacity costs capital, amortised over amortisation"},
    {"capital_on_leased", "{lease: 150 k$/MW-month,", "{capital: 9 M$/MW, lease: 150 k$/MW-month,",
     "g.yaml:15:26: sites[1].economics.capital: only for an owned or tent site (what its capacity "
     "cost to build); site virginia is leased: it pays lease, lease_per_gpu_hour"},
    {"leased_with_battery", "    kind: leased\n",
     "    kind: leased\n    battery: {energy: 10 MWh, power: 5 MW}\n",
     "g.yaml:14:14: sites[1].battery: site virginia is leased: the landlord runs the plant, so "
     "the site has no turbines or battery of its own to dispatch (its economics.contracted_power "
     "bounds what it draws); remove battery, or make the site kind: owned"},
    {"availability_range", "availability: 99.95%", "availability: 30%",
     "g.yaml:8:70: sites[0].economics.availability: \"30%\" is out of range: must be between"
     " 50% and 100%"},
    {"economics_unknown_key", "amortisation: 10 y,", "amortization: 10 y,",
     "g.yaml:8:36: sites[0].economics.amortization: unknown key (did you mean \"amortisation"
     "\"?); valid keys here: amortisation, availability, capital, contracted_power, lease, l"
     "ease_per_gpu_hour"},
    {"dataset_home", "home: ohio", "home: ohoi",
     "g.yaml:27:23: fleet.datasets[0].home: no site named \"ohoi\" (did you mean \"ohio\"?);"
     " sites: ohio, virginia, oslo"},
    {"dataset_size_unit", "size: 2 PB}", "size: 2 Pb}",
     "g.yaml:27:35: fleet.datasets[0].size: unknown unit \"Pb\": expected a data size such a"
     "s \"900 GB\" (units: B, kB, MB, GB, TB, PB, EB), got \"2 Pb\""},
    {"dataset_duplicate", "size: 2 PB}\n", "size: 2 PB}\n  - {name: web, home: oslo, size: 1 TB}\n",
     "g.yaml:28:12: fleet.datasets[1].name: duplicate data set name \"web\""},
    {"team_duplicate", "  - {name: prod}", "  - {name: research}",
     "g.yaml:30:12: fleet.teams[1].name: duplicate team name \"research\""},
    {"team_quota_zero", "quota: {gpus: 400,", "quota: {gpus: 0,",
     "g.yaml:29:36: fleet.teams[0].quota.gpus: 0 is out of range: expected 1 to 1000000000"},
    {"team_hours_unit", "20 M GPU-h", "20 MWh",
     "g.yaml:29:62: fleet.teams[0].quota.gpu_hours_per_month: unknown unit \"MWh\": expected"
     " a number of GPU-hours such as \"20 M GPU-h\" (units: GPU-h, k GPU-h, M GPU-h), got \""
     "20 MWh\""},
    {"job_team_unknown", "team: research,", "team: reserch,",
     "g.yaml:33:87: workloads.jobs[0].team: no team named \"reserch\" (did you mean \"resear"
     "ch\"?); teams: research, prod"},
    {"job_team_quota", "quota: {gpus: 400,", "quota: {gpus: 100,",
     "g.yaml:33:87: workloads.jobs[0].team: job x needs 128 GPUs but team research may hold "
     "at most 100 at once (its quota.gpus), so it would never run"},
    {"job_dataset_unknown", "dataset: web,", "dataset: webb,",
     "g.yaml:34:17: workloads.jobs[0].dataset: no data set named \"webb\" (did you mean \"we"
     "b\"?); data sets: web"},
    {"job_site_unknown", "sites: [oslo, ohio]", "sites: [oslo, ohi0]",
     "g.yaml:33:74: workloads.jobs[0].sites[1]: no site named \"ohi0\" (did you mean \"ohio"
     "\"?); sites: ohio, virginia, oslo"},
    {"job_site_twice", "sites: [oslo, ohio]", "sites: [oslo, oslo]",
     "g.yaml:33:74: workloads.jobs[0].sites[1]: site \"oslo\" is listed twice"},
    {"job_sites_empty", "sites: [oslo, ohio]", "sites: []",
     "g.yaml:33:67: workloads.jobs[0].sites: an empty list; leave sites out to let the job r"
     "un at any site"},
    {"job_sites_scalar", "sites: [oslo, ohio]", "sites: oslo",
     "g.yaml:33:67: workloads.jobs[0].sites: expected a list of site names, such as [ohio, o"
     "slo]; found a scalar"},
    {"job_site_not_in_sites", "sites: [oslo, ohio]", "site: virginia, sites: [oslo, ohio]",
     "g.yaml:33:66: workloads.jobs[0].site: site \"virginia\" is not among the job's sites ("
     "ohio, oslo); add it to sites, or leave site out"},
    {"preemptible_not_bool", "preemptible: false", "preemptible: maybe",
     "g.yaml:34:35: workloads.jobs[0].preemptible: expected true or false, got \"maybe\""},
    {"checkpoint_size_unit", "size: 900 GB", "size: 900",
     "g.yaml:35:72: workloads.jobs[0].checkpoint.size: missing unit: expected a data size su"
     "ch as \"900 GB\" (units: B, kB, MB, GB, TB, PB, EB), got \"900\""},
    {"cross_site_not_training", "{name: x, kind: training", "{name: x, kind: batch",
     "g.yaml:36:20: workloads.jobs[0].cross_site: only for training jobs; job x is batch, wh"
     "ich runs at one site"},
    {"learners_one", "learners: 2,", "learners: 1,",
     "g.yaml:36:31: workloads.jobs[0].cross_site.learners: 1 is out of range: expected 2 to "
     "10000000"},
    {"learners_above_sites", "learners: 2,", "learners: 4,",
     "g.yaml:36:31: workloads.jobs[0].cross_site.learners: 4 learners but job x may use 2 si"
     "tes (ohio, oslo); a site runs at most one learner: give at most 2, or more sites in si"
     "tes"},
    {"min_learners_above_learners", "min_learners: 1,", "min_learners: 3,",
     "g.yaml:36:48: workloads.jobs[0].cross_site.min_learners: 3 is above learners (2); the "
     "job pauses with fewer than min_learners attached, so give 1 to 2"},
    {"bits_range", "bits: 4,", "bits: 64,",
     "g.yaml:36:71: workloads.jobs[0].cross_site.bits: \"64\" is out of range: must be betwe"
     "en 1 and 32"},
    {"fragments_above_inner_steps", "fragments: 4,", "fragments: 400,",
     "g.yaml:37:32: workloads.jobs[0].cross_site.fragments: 400 fragments over 100 inner ste"
     "ps: a fragment is sent at most once an inner step, so give 1 to 100"},
    {"params_count_unit", "params: 70 B,", "params: 70 GB,",
     "g.yaml:36:59: workloads.jobs[0].cross_site.params: unknown unit \"GB\": expected a cou"
     "nt such as \"70 B\" (units: k, M, B, T or none), got \"70 GB\""},
    {"inner_step_time_zero", "inner_step_time: 2 s", "inner_step_time: 0 s",
     "g.yaml:37:52: workloads.jobs[0].cross_site.inner_step_time: \"0 s\" is out of range: m"
     "ust be between 1 ms and 60 min"},
    {"gpus_not_divisible", "{name: x, kind: training, gpus: 128,",
     "{name: x, kind: training, gpus: 127,",
     "g.yaml:33:39: workloads.jobs[0].gpus: 127 GPUs do not split evenly over 2 learners (ea"
     "ch runs gpus / learners of them); nearest valid: 126 or 128"},
    // Virginia in a region of its own, no link to it: a job that may run only there cannot read
    // web (at ohio).
    {"job_dataset_unreachable", "    region: us-east\n    economics: {lease",
     "    region: us-west\n    economics: {lease",
     "g.yaml:38:80: workloads.jobs[1].dataset: job b reads data set web, stored at ohio, which "
     "the WAN does not connect to any site where the job may run (virginia), so it could never "
     "start; list among the job's sites one its data reaches, or join their regions under "
     "wan.links",
     "    - {name: b, kind: batch, gpus: 64, duration: 1 h}",
     "    - {name: b, kind: batch, gpus: 64, duration: 1 h, site: virginia, dataset: web}"},
    // The same with a pin among sites the data reaches: the job runs at its pin.
    {"job_dataset_unreachable_pin", "    region: us-east\n    economics: {lease",
     "    region: us-west\n    economics: {lease",
     "g.yaml:38:105: workloads.jobs[1].dataset: job b reads data set web, stored at ohio, which "
     "the WAN does not connect to any site where the job may run (virginia), so it could never "
     "start; list among the job's sites one its data reaches, or join their regions under "
     "wan.links",
     "    - {name: b, kind: batch, gpus: 64, duration: 1 h}",
     "    - {name: b, kind: batch, gpus: 64, duration: 1 h, site: virginia, sites: [ohio, "
     "virginia], dataset: web}"},
    // 384 GPUs over 2 learners: 192 at each of 2 sites, but oslo has 128.
    {"learners_do_not_fit", "{name: x, kind: training, gpus: 128,",
     "{name: x, kind: training, gpus: 384,",
     "g.yaml:33:7: workloads.jobs[0].gpus: job x runs 192 GPUs at each learner's site (gpus "
     "/ learners) and needs min_learners = 2 such sites, but only 1 of its sites have that m"
     "any of one GPU model, so it would never run; GPUs of one model at its sites: ohio: 256"
     ", oslo: 128",
     "min_learners: 1,", "min_learners: 2,"},

};

TEST(GlobalConfig, EachRefusalGivesItsWholeMessage) {
  for (const Case& c : kCases) {
    std::string text = kBase;
    const size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.name << ": base text not found: " << c.from;
    text.replace(at, c.from.size(), c.to);
    if (!c.from2.empty()) text.replace(text.find(c.from2), c.from2.size(), c.to2);
    absl::StatusOr<model::Fleet> r = config::LoadFleetFromString(text, "g.yaml");
    ASSERT_FALSE(r.ok()) << c.name << " was accepted:\n" << text;
    EXPECT_EQ(std::string(r.status().message()), c.expected) << c.name;
  }
}

// Sites that the WAN does not join cannot hold a cross-site job's learners together.
TEST(GlobalConfig, CrossSiteLearnersNeedAJoinedWan) {
  std::string text = kBase;
  const std::string link = "    - {between: [us-east, oslo], capacity: 10 Gbps, latency: 40 ms}\n";
  text.replace(text.find(link), link.size(), "");
  text.replace(text.find("min_learners: 1,"), 16, "min_learners: 2,");
  absl::StatusOr<model::Fleet> r = config::LoadFleetFromString(text, "g.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()),
            "g.yaml:35:20: workloads.jobs[0].cross_site: job x's learners exchange updates over "
            "the WAN, but at most 1 of its sites reach each other ({ohio}, {oslo}), fewer than "
            "min_learners (2); join their regions under wan.links");
}

// A job table takes the same fields as columns: sites separated by ';', the cross-site spec and
// the checkpoint's size dotted; errors name the file, line and column.
TEST(GlobalConfig, JobTablesTakeTheNewColumns) {
  const ScratchDir tmp;
  const auto write = [&](const std::string& name, const std::string& text) {
    FILE* f = std::fopen(tmp.path(name).c_str(), "w");
    ASSERT_NE(f, nullptr) << name;
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  std::string fleet = kBase;
  fleet.replace(fleet.find("  jobs:"), std::string::npos,
                "  traces:\n    - {file: jobs.csv, format: jobs}\n");
  write("fleet.yaml", fleet);
  write("jobs.csv",
        "name,kind,gpus,duration,sites,team,dataset,preemptible,checkpoint.size,"
        "cross_site.learners,cross_site.min_learners,cross_site.params,cross_site.bits,"
        "cross_site.inner_steps,cross_site.fragments,cross_site.inner_step_time\n"
        "x,training,128,10 h,oslo; ohio,research,web,false,900 GB,2,1,70 B,4,100,4,2 s\n"
        "b,batch,64,1 h,,,,,,,,,,,,\n");
  absl::StatusOr<model::Fleet> f = config::LoadFleet(tmp.path("fleet.yaml"));
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->jobs.size(), 2u);
  const model::JobSpec& x = f->jobs[0];
  EXPECT_EQ(x.sites, (std::vector<int>{0, 2}));
  EXPECT_EQ(x.team, 0);
  EXPECT_EQ(x.dataset, 0);
  EXPECT_FALSE(x.preemptible);
  EXPECT_DOUBLE_EQ(x.checkpoint_bytes, 9e11);
  ASSERT_TRUE(x.cross_site.has_value());
  EXPECT_EQ(x.cross_site->learners, 2);
  EXPECT_EQ(x.cross_site->min_learners, 1);
  EXPECT_DOUBLE_EQ(x.cross_site->params, 7e10);
  EXPECT_EQ(x.cross_site->fragments, 4);
  EXPECT_EQ(x.cross_site->inner_step_time, std::chrono::seconds(2));
  EXPECT_TRUE(f->jobs[1].preemptible);
  EXPECT_TRUE(f->jobs[1].sites.empty());
  EXPECT_DOUBLE_EQ(f->jobs[1].checkpoint_bytes, 3.2e10);

  write("jobs.csv",
        "name,kind,gpus,duration,sites,team,cross_site.learners,cross_site.params\n"
        "x,training,128,10 h,oslo;;ohio,,2,70 B\n"
        "y,training,64,10 h,oslo;ohi0,prod,2,1 B\n"
        "z,training,64,10 h,ohio;oslo,,3,1 B\n");
  const std::string csv = tmp.path("jobs.csv");
  absl::StatusOr<model::Fleet> bad = config::LoadFleet(tmp.path("fleet.yaml"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()),
            csv +
                ":2: column \"sites\": an empty site name; separate the names with ';' "
                "(ohio;oslo)\n" +
                csv +
                ":3: column \"sites\": no site named \"ohi0\" (did you mean \"ohio\"?); "
                "sites: ohio, virginia, oslo\n" +
                csv +
                ":4: column \"cross_site.learners\": 3 learners but job z may use 2 sites "
                "(ohio, oslo); a site runs at most one learner: give at most 2, or more "
                "sites in sites\n" +
                csv +
                ":4: column \"gpus\": 64 GPUs do not split evenly over 3 learners (each "
                "runs gpus / learners of them); nearest valid: 63 or 66");
}

TEST(GlobalConfig, TheExamplesStillLoadWithARegionPerSite) {
  for (const char* file :
       {"/examples/small.yaml", "/examples/ohio-1gw.yaml", "/examples/three-sites.yaml"}) {
    absl::StatusOr<model::Fleet> f = config::LoadFleet(std::string(HEADROOM_SOURCE_DIR) + file);
    ASSERT_TRUE(f.ok()) << file << ": " << f.status();
    EXPECT_EQ(f->wan.regions.size(), f->sites.size()) << file;
    EXPECT_EQ(f->wan.site_region.size(), f->sites.size()) << file;
    EXPECT_TRUE(f->wan.links.empty()) << file;
  }
}

// The fuzzer's seed of these sections is a valid fleet (so that fuzzing starts from inputs that
// reach every check), with its link named and the tent in a region of its own.
TEST(GlobalConfig, TheFuzzSeedIsValid) {
  absl::StatusOr<model::Fleet> f = config::LoadFleet(
      std::string(HEADROOM_SOURCE_DIR) + "/fuzz/seeds/config_fuzzer/global-scheduler.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->wan.regions, (std::vector<std::string>{"us-east", "eu-north"}));
  ASSERT_EQ(f->wan.links.size(), 1u);
  EXPECT_EQ(f->wan.links[0].name, "atlantic");
  EXPECT_EQ(f->jobs[1].sites, (std::vector<int>{1}));
  EXPECT_DOUBLE_EQ(f->teams[0].gpu_hours_per_month, 2e4);
}

}  // namespace
}  // namespace headroom
