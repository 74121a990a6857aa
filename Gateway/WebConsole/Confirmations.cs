using MudBlazor;

namespace Verge.Orleans.Gateway.WebConsole;

/// <summary>The console's one question before something is deleted.</summary>
internal static class Confirmations
{
    /// <summary>True only when the administrator clicked Delete (Cancel, Escape or a click outside keep it).</summary>
    public static async Task<bool> ConfirmDeleteAsync(this IDialogService dialogs, string title, string consequence) =>
        await dialogs.ShowMessageBoxAsync(title, consequence, yesText: "Delete", cancelText: "Cancel") == true;
}
