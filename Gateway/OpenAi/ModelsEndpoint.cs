using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class ModelsEndpoint
{
    /// <summary><c>GET /v1/models</c>: the assistants, in OpenAI's list shape.</summary>
    public static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var assistants = await grains.GetGrain<ICatalogGrain>(0).ListAssistantsAsync();
        var entries = assistants.Select(a => new ModelEntry(a.Name, a.Created.ToUnixTimeSeconds(), "verge")).ToArray();
        return Results.Json(new ModelList(entries), OpenAiJsonContext.Default.ModelList);
    }
}
