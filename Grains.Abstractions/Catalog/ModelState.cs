namespace Verge.Orleans.Grains.Abstractions.Catalog;

/// <summary>Where a model is in its life: <c>Downloading</c> → <c>Loading</c> → <c>Online</c>; <c>Stopping</c> → <c>Offline</c>; <c>Error</c>.</summary>
public enum ModelState
{
    Offline,
    Downloading,
    Loading,
    Online,
    Stopping,
    Error,
}
