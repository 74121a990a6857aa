namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// Identifies a model worker as <c>model/replica/placement</c>. The placement part travels in the key
/// because the placement filter must know where a worker may run before it is activated.
/// </summary>
public readonly record struct WorkerKey(string Model, int Replica, WorkerPlacement Placement)
{
    public override string ToString() => $"{Model}/{Replica}/{Placement.ToString().ToLowerInvariant()}";

    public static WorkerKey Parse(string key)
    {
        var last = key.LastIndexOf('/');
        var middle = key.LastIndexOf('/', last - 1);
        if (middle <= 0 || !Enum.TryParse<WorkerPlacement>(key[(last + 1)..], ignoreCase: true, out var placement))
        {
            throw new FormatException($"'{key}' is not a worker key (model/replica/placement).");
        }

        return new WorkerKey(key[..middle], int.Parse(key[(middle + 1)..last]), placement);
    }

    public static bool TryParse(string key, out WorkerKey worker)
    {
        try
        {
            worker = Parse(key);
            return true;
        }
        catch (FormatException)
        {
            worker = default;
            return false;
        }
    }
}
