import type { App as BoltApp } from '@slack/bolt';
import { CARD_ACTIONS, DIRECT_CARD_ACTION_ID, HOME_ACTIONS, SLASH_COMMAND, VIEWS } from './ids.js';
import { campaignCommand } from './listeners/commands/campaign-command.js';
import { approvalDecided } from './listeners/actions/approval-decided.js';
import { alertRetryClicked, cardCancelClicked, cardEditClicked, cardRetryClicked, cardScheduleClicked, cardTestClicked } from './listeners/actions/modal-button-clicked.js';
import { cardCommandClicked } from './listeners/actions/card-command-clicked.js';
import { homeNewCampaignClicked } from './listeners/actions/home-new-campaign-clicked.js';
import { homeShowClicked } from './listeners/actions/home-show-clicked.js';
import { homeTemplateSendingClicked } from './listeners/actions/home-template-sending-clicked.js';
import { appHomeOpened } from './listeners/events/app-home-opened.js';
import { campaignFormSubmitted } from './listeners/views/campaign-form-submitted.js';
import { cancelConfirmSubmitted } from './listeners/views/cancel-confirm-submitted.js';
import { retryConfirmSubmitted } from './listeners/views/retry-confirm-submitted.js';
import { scheduleFormSubmitted } from './listeners/views/schedule-form-submitted.js';
import { templateSendingSubmitted } from './listeners/views/template-sending-submitted.js';
import { testSendSubmitted } from './listeners/views/test-send-submitted.js';
import type { SlackContext } from './slack-context.js';
import { FILE_ACTIONS, FILE_VIEWS } from './ids.js';
import { contactsImportSubmitted } from './listeners/views/contacts-import-submitted.js';
import { templateUploadSubmitted } from './listeners/views/template-upload-submitted.js';
import { homeImportContactsClicked } from './listeners/actions/home-import-contacts-clicked.js';
import { homeUploadTemplateClicked } from './listeners/actions/home-upload-template-clicked.js';
import { ALERT_ACTIONS } from './ids.js';
import { alertCommandClicked } from './listeners/actions/alert-command-clicked.js';
import { alertOpenClicked } from './listeners/actions/alert-open-clicked.js';
import { LINK_EDIT_ACTION_ID } from './ids.js';
import { linkEditClicked } from './listeners/actions/link-edit-clicked.js';
import { linkEditSubmitted } from './listeners/views/link-edit-submitted.js';

/** Every Slack surface Herald answers, one listener per callback (STYLE.md). */
export function registerListeners(bolt: BoltApp, ctx: SlackContext): void {
  bolt.command(SLASH_COMMAND, campaignCommand(ctx));

  bolt.action({ type: 'block_actions', action_id: DIRECT_CARD_ACTION_ID }, cardCommandClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: CARD_ACTIONS.edit }, cardEditClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: CARD_ACTIONS.cancel }, cardCancelClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: CARD_ACTIONS.retry }, cardRetryClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: CARD_ACTIONS.test }, cardTestClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: CARD_ACTIONS.schedule }, cardScheduleClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: HOME_ACTIONS.approve }, approvalDecided(ctx));
  bolt.action({ type: 'block_actions', action_id: HOME_ACTIONS.deny }, approvalDecided(ctx));
  bolt.action({ type: 'block_actions', action_id: HOME_ACTIONS.show }, homeShowClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: HOME_ACTIONS.newCampaign }, homeNewCampaignClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: HOME_ACTIONS.editTemplateSending }, homeTemplateSendingClicked(ctx));

  bolt.view({ type: 'view_submission', callback_id: VIEWS.campaignForm }, campaignFormSubmitted(ctx));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.cancelConfirm }, cancelConfirmSubmitted(ctx));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.retryConfirm }, retryConfirmSubmitted(ctx));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.testSend }, testSendSubmitted(ctx));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.schedule }, scheduleFormSubmitted(ctx));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.templateSending }, templateSendingSubmitted(ctx, false));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.templateSendingConfirm }, templateSendingSubmitted(ctx, true));

  bolt.event('app_home_opened', appHomeOpened(ctx));

  // Files from Slack: contacts and template bodies uploaded in a modal.
  bolt.action({ type: 'block_actions', action_id: FILE_ACTIONS.importContacts }, homeImportContactsClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: FILE_ACTIONS.uploadTemplate }, homeUploadTemplateClicked(ctx));
  bolt.view({ type: 'view_submission', callback_id: FILE_VIEWS.contactsImport }, contactsImportSubmitted(ctx));
  bolt.view({ type: 'view_submission', callback_id: FILE_VIEWS.templateUpload }, templateUploadSubmitted(ctx));

  // Alerts in the alerts channel: their buttons.
  for (const id of [ALERT_ACTIONS.approve, ALERT_ACTIONS.deny, ALERT_ACTIONS.pause, ALERT_ACTIONS.resume]) bolt.action({ type: 'block_actions', action_id: id }, alertCommandClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: ALERT_ACTIONS.retry }, alertRetryClicked(ctx));
  bolt.action({ type: 'block_actions', action_id: ALERT_ACTIONS.open }, alertOpenClicked(ctx));

  // The click map's Edit buttons (or select) and the link edit modal.
  bolt.action({ type: 'block_actions', action_id: LINK_EDIT_ACTION_ID }, linkEditClicked(ctx));
  bolt.view({ type: 'view_submission', callback_id: VIEWS.linkEdit }, linkEditSubmitted(ctx));
}
