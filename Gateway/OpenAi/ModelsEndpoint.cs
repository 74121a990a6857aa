using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class ModelsEndpoint
{
    /// <summary><c>GET /v1/models</c>: the assistants, in OpenAI's list shape.</summary>
    public static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        var grant = http.Grant();
        var assistants = await grains.GetGrain<ICatalogGrain>(0).ListAssistantsAsync();
        var entries = assistants.Where(a => grant.MayUse(a.Name)).Select(a => new ModelEntry(a.Name, a.Created.ToUnixTimeSeconds(), "verge")).ToArray();
        return Results.Json(new ModelList(entries), OpenAiJsonContext.Default.ModelList);
    }
}
