/**
 * Every Slack id Herald sends or listens for, in one place so a listener and the block that
 * triggers it cannot drift apart. Values carry ids only; nothing in them is trusted for authorization.
 */
export const SLASH_COMMAND = '/campaign';

/** Card buttons: the action_id names the command; the button value is the campaign id. */
export const CARD_ACTIONS = {
  edit: 'campaign_edit',
  preview: 'campaign_preview',
  test: 'campaign_test',
  clone: 'campaign_clone',
  run: 'campaign_run',
  schedule: 'campaign_schedule',
  pause: 'campaign_pause',
  resume: 'campaign_resume',
  stop: 'campaign_stop',
  cancel: 'campaign_cancel',
  relaunch: 'campaign_relaunch',
  resubmit: 'campaign_resubmit',
  retry: 'campaign_retry',
  stats: 'campaign_stats',
  export: 'campaign_export',
  delete: 'campaign_delete',
} as const;
export type CardAction = keyof typeof CARD_ACTIONS;

/** Card buttons that run one command line straight away (the others open a modal first). */
export const DIRECT_CARD_ACTIONS = ['preview', 'clone', 'run', 'pause', 'resume', 'stop', 'relaunch', 'resubmit', 'stats', 'export', 'delete'] as const satisfies readonly CardAction[];
export const DIRECT_CARD_ACTION_ID = new RegExp(`^(${DIRECT_CARD_ACTIONS.map((a) => CARD_ACTIONS[a]).join('|')})$`);

export const HOME_ACTIONS = {
  approve: 'approval_approve',
  deny: 'approval_deny',
  show: 'home_show_campaign',
  newCampaign: 'home_new_campaign',
  editTemplateSending: 'home_template_sending',
} as const;

export const VIEWS = {
  campaignForm: 'campaign_form',
  cancelConfirm: 'cancel_confirm',
  retryConfirm: 'retry_confirm',
  testSend: 'test_send',
  schedule: 'schedule_form',
  templateSending: 'template_sending',
  templateSendingConfirm: 'template_sending_confirm',
  linkEdit: 'link_edit',
} as const;

/**
 * The Edit controls of a click map (`/campaign links`): a button per link (`link_edit_<link id>`:
 * ids in one actions block must differ) or, for many links, one select. The value of either is
 * `<campaign id>:<link id>`; nothing in it is trusted beyond naming the link.
 */
export const LINK_ACTIONS = {
  buttonPrefix: 'link_edit_',
  pick: 'link_edit_pick',
} as const;
export const LINK_EDIT_ACTION_ID = /^link_edit_(\d{1,12}|pick)$/;

/** block_id / action_id pairs of modal inputs; errors are reported against the block_id. */
export const FIELDS = {
  name: { block: 'f_name', action: 'name' },
  channel: { block: 'f_channel', action: 'channel' },
  description: { block: 'f_description', action: 'description' },
  template: { block: 'f_template', action: 'template' },
  list: { block: 'f_list', action: 'list' },
  include: { block: 'f_include', action: 'include' },
  exclude: { block: 'f_exclude', action: 'exclude' },
  launch: { block: 'f_launch', action: 'launch' },
  date: { block: 'f_date', action: 'date' },
  time: { block: 'f_time', action: 'time' },
  cron: { block: 'f_cron', action: 'cron' },
  tz: { block: 'f_tz', action: 'tz' },
  tags: { block: 'f_tags', action: 'tags' },
  ttl: { block: 'f_ttl', action: 'ttl' },
  variants: { block: 'f_variants', action: 'variants' },
  confirmId: { block: 'f_confirm_id', action: 'confirm_id' },
  reason: { block: 'f_reason', action: 'reason' },
  to: { block: 'f_to', action: 'to' },
  fromName: { block: 'f_from_name', action: 'from_name' },
  fromEmail: { block: 'f_from_email', action: 'from_email' },
  replyTo: { block: 'f_reply_to', action: 'reply_to' },
  smsSender: { block: 'f_sms_sender', action: 'sms_sender' },
  ifLate: { block: 'f_if_late', action: 'if_late' },
  tracking: { block: 'f_tracking', action: 'tracking' },
  url: { block: 'f_url', action: 'url' },
} as const;
export type FieldName = keyof typeof FIELDS;

// Files from Slack: uploads of contacts (CSV) and template bodies (HTML, text), each in its modal.
export const FILE_VIEWS = {
  contactsImport: 'contacts_import',
  templateUpload: 'template_upload',
} as const;

export const FILE_ACTIONS = {
  importContacts: 'home_import_contacts',
  uploadTemplate: 'home_upload_template',
} as const;

/** block_id / action_id pairs of the upload modals' inputs; errors are reported against the block_id. */
export const FILE_FIELDS = {
  importFile: { block: 'f_import_file', action: 'import_file' },
  importList: { block: 'f_import_list', action: 'import_list' },
  importNewList: { block: 'f_import_new_list', action: 'import_new_list' },
  uploadTemplate: { block: 'f_upload_template', action: 'upload_template' },
  uploadName: { block: 'f_upload_name', action: 'upload_name' },
  uploadSubject: { block: 'f_upload_subject', action: 'upload_subject' },
  uploadHtml: { block: 'f_upload_html', action: 'upload_html' },
  uploadText: { block: 'f_upload_text', action: 'upload_text' },
} as const;
export type FileFieldName = keyof typeof FILE_FIELDS;

/**
 * The one table from the input field an error names (`details.field` of a domain or grammar
 * error) to the block that shows it, per modal (callback_id). An error whose field a modal does not
 * show goes on the modal's first field (fieldBlock's fallback).
 */
export const FIELD_BLOCKS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [VIEWS.campaignForm]: {
    name: FIELDS.name.block,
    channel: FIELDS.channel.block,
    description: FIELDS.description.block,
    template: FIELDS.template.block,
    list: FIELDS.list.block,
    audience: FIELDS.list.block,
    include: FIELDS.include.block,
    exclude: FIELDS.exclude.block,
    launch: FIELDS.launch.block,
    at: FIELDS.date.block,
    cron: FIELDS.cron.block,
    tz: FIELDS.tz.block,
    tags: FIELDS.tags.block,
    ttlSeconds: FIELDS.ttl.block,
    ifLate: FIELDS.ifLate.block,
    tracking: FIELDS.tracking.block,
    variants: FIELDS.variants.block,
  },
  // One input: the link's new destination; an unknown link or campaign is said there too.
  [VIEWS.linkEdit]: { url: FIELDS.url.block, link: FIELDS.url.block, linkId: FIELDS.url.block, campaignId: FIELDS.url.block },
  [VIEWS.schedule]: { at: FIELDS.date.block, cron: FIELDS.cron.block, tz: FIELDS.tz.block },
  [VIEWS.cancelConfirm]: { confirm: FIELDS.confirmId.block, reason: FIELDS.reason.block },
  [VIEWS.testSend]: { to: FIELDS.to.block },
  [VIEWS.templateSending]: { fromName: FIELDS.fromName.block, fromEmail: FIELDS.fromEmail.block, replyTo: FIELDS.replyTo.block, smsSender: FIELDS.smsSender.block },
  [VIEWS.templateSendingConfirm]: { fromName: FIELDS.fromName.block, fromEmail: FIELDS.fromEmail.block, replyTo: FIELDS.replyTo.block, smsSender: FIELDS.smsSender.block },
  [FILE_VIEWS.contactsImport]: { file: FILE_FIELDS.importFile.block, list: FILE_FIELDS.importNewList.block },
  [FILE_VIEWS.templateUpload]: {
    templateName: FILE_FIELDS.uploadName.block,
    subject: FILE_FIELDS.uploadSubject.block,
    html: FILE_FIELDS.uploadHtml.block,
    text: FILE_FIELDS.uploadText.block,
  },
};

/** The block of a modal that shows an input field, or `fallback` when the modal has none for it. */
export function fieldBlock(callbackId: string, field: string | undefined, fallback: string): string {
  return (field !== undefined ? FIELD_BLOCKS[callbackId]?.[field] : undefined) ?? fallback;
}

/** Buttons of the alerts in the alerts channel (issue 12): the value is the approval id (approve, deny) or the campaign id. */
export const ALERT_ACTIONS = {
  approve: 'alert_approve',
  deny: 'alert_deny',
  pause: 'alert_pause',
  resume: 'alert_resume',
  retry: 'alert_retry',
  open: 'alert_open',
} as const;
