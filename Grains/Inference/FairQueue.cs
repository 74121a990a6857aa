namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Waiting requests ordered fairly between users, and within a user between its keys, by weighted fair
/// queueing: each request gets a virtual finish time of max(now, its flow's last finish) + cost ÷ weight,
/// where "now" is the start time of the request served last, and the smallest finish time goes next. A
/// light user's request therefore waits behind at most about one request of each busy user, however long
/// their backlogs are. Thread-safe: callers enqueue from any thread, the decode loop dequeues.
/// </summary>
internal sealed class FairQueue<T>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Flow> _users = [];
    private double _now;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <param name="cost">What serving the item will take (tokens, estimated).</param>
    /// <param name="weight">The user's share relative to others (priority), above 0.</param>
    public void Enqueue(T item, string user, string key, double cost, double weight)
    {
        lock (_lock)
        {
            var flow = _users.TryGetValue(user, out var existing) ? existing : _users[user] = new Flow();
            var keyFlow = flow.Keys.TryGetValue(key, out var k) ? k : flow.Keys[key] = new Flow();
            var start = Math.Max(_now, flow.LastFinish);
            flow.LastFinish = start + cost / Math.Max(weight, 1e-6);
            flow.Tags.Enqueue((start, flow.LastFinish));
            keyFlow.LastFinish = Math.Max(_now, keyFlow.LastFinish) + cost;
            keyFlow.Items.Add((keyFlow.LastFinish, item));
            _count++;
        }
    }

    /// <summary>The item that goes next (of a user other than <paramref name="exceptUser"/>, when given), without taking it.</summary>
    public bool TryPeek(out T item, string? exceptUser = null)
    {
        lock (_lock)
        {
            var next = Head(exceptUser);
            item = next is { } head ? head.Key.Items[0].Item : default!;
            return next is not null;
        }
    }

    public bool TryDequeue(out T item, string? exceptUser = null)
    {
        lock (_lock)
        {
            if (Head(exceptUser) is not { } head)
            {
                item = default!;
                return false;
            }

            var (start, _) = head.User.Tags.Dequeue();
            var (_, taken) = head.Key.Items[0];
            head.Key.Items.RemoveAt(0);
            _now = Math.Max(_now, start);
            _count--;
            item = taken;
            return true;
        }
    }

    // The user whose next virtual finish is smallest, and that user's key whose head finishes first.
    private (Flow User, Flow Key)? Head(string? exceptUser)
    {
        Flow? user = null;
        foreach (var (name, candidate) in _users)
        {
            if (name != exceptUser && candidate.Tags.Count > 0 && (user is null || candidate.Tags.Peek().Finish < user.Tags.Peek().Finish))
            {
                user = candidate;
            }
        }

        if (user is null)
        {
            return null;
        }

        var key = user.Keys.Values.Where(k => k.Items.Count > 0).MinBy(k => k.Items[0].Finish)!;
        return (user, key);
    }

    private sealed class Flow
    {
        public double LastFinish { get; set; }

        /// <summary>A user's virtual start and finish times, in order (which key's item each serves is the keys' business).</summary>
        public Queue<(double Start, double Finish)> Tags { get; } = new();

        public Dictionary<string, Flow> Keys { get; } = [];

        /// <summary>A key's waiting items with their virtual finish times, in order.</summary>
        public List<(double Finish, T Item)> Items { get; } = [];
    }
}
