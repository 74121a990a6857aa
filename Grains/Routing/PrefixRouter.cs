using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Routing;

/// <summary>
/// Picks a model's worker for a prompt from what the workers pushed (<see cref="WorkerReport"/>): the one
/// holding the longest prefix of the prompt unless it is saturated, else the least loaded. Between two
/// reports it remembers what it sent where (the worker is about to hold that prefix and carry that load),
/// so a burst of requests spreads and a conversation's next turn follows it before the worker reports.
/// A plain type: the model grain owns one, tests drive it directly.
/// </summary>
internal sealed class PrefixRouter(TimeProvider time)
{
    /// <summary>How long a prefix sent to a worker counts as held there without the worker reporting it.</summary>
    public static readonly TimeSpan RoutedLifetime = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, View> _views = new(StringComparer.Ordinal);

    /// <summary>Takes a worker's report unless a newer one was already taken.</summary>
    public void Report(WorkerReport report)
    {
        var view = ViewOf(report.Worker);
        if (report.Sequence <= view.Sequence)
        {
            return;
        }

        (view.Sequence, view.Load, view.Slots, view.Draining) = (report.Sequence, report.SlotsBusy + report.Queued, report.SlotsTotal, report.Draining);
        view.Held = [.. report.Prefixes];
        view.RoutedLoad = 0; // the report counts what reached the worker; the rest is lost or about to arrive
    }

    /// <summary>The worker is gone (stopped, retired, moving): nothing it reported counts any more.</summary>
    public void Forget(string worker) => _views.Remove(worker);

    /// <summary>
    /// The worker for a prompt of <paramref name="prompt"/> blocks among <paramref name="workers"/> (not
    /// empty); a worker that never reported counts as idle with <paramref name="defaultSlots"/> slots.
    /// Draining workers take requests only when every worker drains. The choice is remembered.
    /// </summary>
    public RouteChoice Route(IReadOnlyList<ulong> prompt, IReadOnlyList<string> workers, int defaultSlots)
    {
        var now = time.GetUtcNow();
        var all = workers.Select(ViewOf).ToList();
        var open = all.Where(v => !v.Draining).ToList();
        var candidates = (open.Count > 0 ? open : all)
            .Select(v => new Candidate(v, v.Matched(prompt, now), v.Slots > 0 ? v.Slots : Math.Max(1, defaultSlots)))
            .OrderBy(c => c.View.Key, StringComparer.Ordinal)
            .ToList();
        var saturated = candidates.All(c => c.Saturated);
        var leastLoaded = candidates.MinBy(c => c.Share)!;
        var longest = candidates.Where(c => c.Matched > 0).OrderByDescending(c => c.Matched).ThenBy(c => c.Share).FirstOrDefault();
        var chosen = longest is { Saturated: false } ? longest : leastLoaded;

        chosen.View.Routed(prompt, now + RoutedLifetime);
        return new RouteChoice(chosen.View.Key, chosen.Matched, saturated);
    }

    private View ViewOf(string worker) =>
        _views.TryGetValue(worker, out var view) ? view : _views[worker] = new View(worker);

    private sealed record Candidate(View View, int Matched, int Slots)
    {
        public int Load => View.Load + View.RoutedLoad;

        public bool Saturated => Load >= Slots;

        public double Share => (double)Load / Slots;
    }

    private sealed class View(string key)
    {
        private readonly Dictionary<ulong, DateTimeOffset> _routed = [];

        public string Key => key;

        public long Sequence { get; set; } = long.MinValue;

        public int Load { get; set; }

        public int RoutedLoad { get; set; }

        public int Slots { get; set; }

        public bool Draining { get; set; }

        public HashSet<ulong> Held { get; set; } = [];

        /// <summary>How many of the prompt's first blocks this worker holds, in a row.</summary>
        public int Matched(IReadOnlyList<ulong> prompt, DateTimeOffset now)
        {
            var matched = 0;
            while (matched < prompt.Count && (Held.Contains(prompt[matched]) || _routed.GetValueOrDefault(prompt[matched]) > now))
            {
                matched++;
            }

            return matched;
        }

        public void Routed(IReadOnlyList<ulong> prompt, DateTimeOffset until)
        {
            RoutedLoad++;
            if (_routed.Count > 4096)
            {
                var now = until - RoutedLifetime;
                foreach (var stale in _routed.Where(r => r.Value <= now).Select(r => r.Key).ToList())
                {
                    _routed.Remove(stale);
                }
            }

            foreach (var block in prompt)
            {
                _routed[block] = until;
            }
        }
    }
}

/// <summary>The router's pick: the worker, how many of the prompt's blocks it holds, and whether every worker was saturated.</summary>
internal sealed record RouteChoice(string Worker, int Matched, bool AllSaturated);
